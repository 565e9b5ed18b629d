import type { Distribution, ParamValue } from '../distributions';
import type { JsonObject } from '../json';
import type { TrialState } from './trial-state';

/**
 * A snapshot of a trial as stored. Plain data (JSON-safe but for nothing), so it crosses storages,
 * processes and the REST API unchanged. Samplers and pruners read these; they never mutate them.
 */
export interface FrozenTrial {
  /** Storage-wide id (unique across studies). */
  readonly trialId: number;
  /** 0-based, unique and dense within the study, in creation order. */
  readonly number: number;
  readonly state: TrialState;
  /** One value per objective once COMPLETE (a PRUNED trial may carry its last intermediate value); else null. */
  readonly values: readonly number[] | null;
  /** External values by parameter name, in the order the objective suggested them. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** Intermediate values by step (integer >= 0). */
  readonly intermediateValues: Readonly<Record<number, number>>;
  readonly userAttrs: Readonly<JsonObject>;
  readonly systemAttrs: Readonly<JsonObject>;
  /** Epoch milliseconds; null while WAITING. */
  readonly datetimeStart: number | null;
  readonly datetimeComplete: number | null;
}

/** The highest step reported, or null when nothing was reported. */
export function lastStep(trial: FrozenTrial): number | null {
  let last: number | null = null;
  for (const key of Object.keys(trial.intermediateValues)) {
    const s = Number(key);
    if (last === null || s > last) last = s;
  }
  return last;
}

/** A trial with nothing in it yet: the shape for trials being planned or built from an index. */
export function blankTrial(trialId: number, number: number, state: TrialState): FrozenTrial {
  return {
    trialId,
    number,
    state,
    values: null,
    params: {},
    distributions: {},
    intermediateValues: {},
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: null,
    datetimeComplete: null,
  };
}
