/** A categorical choice, as the library allows them. */
export type CategoricalChoice = string | number | boolean | null;
export type ParamValue = number | CategoricalChoice;
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A distribution in the library's JSON form (as the api answers it). */
export type DistributionJson =
  | { type: 'float'; low: number; high: number; log?: boolean; step?: number | null }
  | { type: 'int'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'categorical'; choices: readonly CategoricalChoice[] };

export interface RangeOptions {
  /** @defaultValue false */
  log?: boolean;
  /** @defaultValue null for floats (continuous), 1 for ints */
  step?: number | null;
}

/**
 * What an objective may call on its trial: the part of the library's `Trial` (@tuneforge/core) that
 * makes sense wherever the objective runs. The library's Trial has it, and so does this client's
 * RemoteTrial: type an objective `(trial: ObjectiveTrial) => number` and it runs embedded
 * (`study.optimize` of the library), in a platform worker (a module objective) or remotely.
 */
export interface ObjectiveTrial {
  readonly number: number;
  suggestFloat(name: string, low: number, high: number, options?: RangeOptions): number;
  suggestInt(name: string, low: number, high: number, options?: RangeOptions): number;
  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T;
  report(value: number, step: number): Promise<void>;
  shouldPrune(): boolean;
  setUserAttr(key: string, value: JsonValue): Promise<void>;
}

/** A study definition as `POST /studies` takes it (see the api's OpenAPI page for every field). */
export interface StudyDefinition {
  name: string;
  direction?: 'minimize' | 'maximize';
  directions?: Array<'minimize' | 'maximize'>;
  /** Left out: a client-only study (clients run every trial). */
  objective?: Record<string, unknown>;
  searchSpace?: Array<Record<string, unknown>>;
  sampler?: { type: string; options?: Record<string, unknown>; grid?: Record<string, unknown> };
  pruner?: { type: string; options?: Record<string, unknown> };
  budget: { nTrials: number; maxParallel?: number; timeoutSec?: number };
  retry?: { maxRetries?: number; retryFailedTrials?: number };
  seed?: number;
}

/** A trial as `GET /studies/:id/trials/:number` shows it. */
export interface TrialRecord {
  number: number;
  state: 'WAITING' | 'RUNNING' | 'COMPLETE' | 'PRUNED' | 'FAIL';
  values: number[] | null;
  params: Record<string, ParamValue>;
  intermediateValues: Record<string, number>;
  userAttrs: Record<string, JsonValue>;
  failReason: string | null;
  worker: string | null;
  attempt: number;
  [key: string]: unknown;
}

/** A study as `GET /studies/:id` shows it. */
export interface StudyRecord {
  id: number;
  name: string;
  state: 'RUNNING' | 'STOPPED' | 'COMPLETED';
  directions: Array<'minimize' | 'maximize'>;
  counts: Record<string, number>;
  [key: string]: unknown;
}
