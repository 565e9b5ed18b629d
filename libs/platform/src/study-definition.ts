import {
  createPruner,
  createSampler,
  InvalidArgumentError,
  InvalidSearchSpaceError,
  parseSearchSpace,
  searchSpaceToJson,
  UnknownOptionError,
  type JsonObject,
  type PrunerSpec,
  type SamplerSpec,
  type SearchSpaceDefinition,
  type StudyDirection,
} from '@tuneforge/core';
import { studyPriorityProblem } from './study-priority';
import { resourcesProblem, type Resources } from './worker-pools';

/**
 * Which objective a platform study runs. `client`: none on the platform — clients run the trials
 * (ask and tell over REST), and the scheduler never enqueues a job for the study.
 */
export type ObjectiveRef =
  | { kind: 'builtin'; name: string }
  | { kind: 'module'; name: string }
  | { kind: 'command'; name: string }
  | { kind: 'inline-command'; argv: string[] }
  | { kind: 'client' };

/** Whether the study's trials are run by clients only (no objective on the platform, no queue jobs). */
export function isClientOnly(def: StudyDefinition): boolean {
  return def.objective.kind === 'client';
}

export interface StudyBudget {
  /** Trials to run in all. */
  nTrials: number;
  /** Trials queued or running at once. */
  maxParallel: number;
  /** No trial starts after this many seconds from the study's start; null = no limit. */
  timeoutSec: number | null;
}

/** What happens to a trial whose run did not end it (a retried trial keeps its number and parameters). */
export interface RetryPolicy {
  /**
   * Runs again a trial whose worker was lost (its lease lapsed: the worker died, hung or lost the
   * database) while it has run at most this many times; then it ends FAIL.
   */
  maxRetries: number;
  /** Runs again a trial whose objective failed while it has run at most this many times (Optuna's RetryFailedTrialCallback). */
  retryFailedTrials: number;
}

/** Bounds of the retry counts a definition may ask for. */
export const MAX_RETRIES_LIMIT = 20;

/**
 * A platform study as stored (system attribute `platform:definition` of the study) and read by the
 * scheduler and the workers. Plain JSON.
 */
export interface StudyDefinition {
  name: string;
  directions: StudyDirection[];
  /** Declarative space (JSON array form); null when the objective defines its own (builtin, module). */
  searchSpace: Array<Record<string, unknown>> | null;
  sampler: SamplerSpec;
  pruner: PrunerSpec;
  objective: ObjectiveRef;
  budget: StudyBudget;
  seed: number | null;
  /** Absent in definitions stored before it existed: the platform's defaults (`retryPolicyOf`). */
  retry?: RetryPolicy;
  /** Trials of studies of higher priority start first (`studyPriorityOf`; absent in older definitions: 0). */
  priority?: number;
  /**
   * What each trial needs of a worker (`{"gpu": 1}`): its trials go only to workers that offer it
   * (worker-pools.ts). Absent: nothing, any worker runs them.
   */
  resources?: Resources;
}

/** The study's retry policy, the platform's default `maxRetries` (TUNEFORGE_MAX_RETRIES) filling a gap. */
export function retryPolicyOf(def: StudyDefinition, defaultMaxRetries: number): RetryPolicy {
  return {
    maxRetries: def.retry?.maxRetries ?? defaultMaxRetries,
    retryFailedTrials: def.retry?.retryFailedTrials ?? 0,
  };
}

/** The platform's lifecycle of a study (system attribute `platform:state`). */
export const STUDY_STATES = ['RUNNING', 'STOPPED', 'COMPLETED'] as const;
export type PlatformStudyState = (typeof STUDY_STATES)[number];

export const DEFINITION_ATTR = 'platform:definition';
export const STATE_ATTR = 'platform:state';
/**
 * When the study's `budget.timeoutSec` started to count (ms since the epoch): its creation, moved later by
 * the time it spent STOPPED at each resume.
 */
export const STARTED_AT_ATTR = 'platform:startedAt';
/** When a STOPPED study was stopped (ms since the epoch), for the resume that moves STARTED_AT_ATTR. */
export const STOPPED_AT_ATTR = 'platform:stoppedAt';
/** Trial system attribute: why the last run of a retried trial failed. */
export const LAST_FAILURE_ATTR = 'platform:last-failure';

/** A definition that is well-formed but makes no sense; `field` is the JSON path of the culprit. */
export class InvalidStudyDefinitionError extends InvalidArgumentError {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** How many values a built-in problem returns: every one is a single minimized objective. */
export const BUILTIN_OBJECTIVE_VALUES = 1;

/** What the objective kinds need to be checked against (the worker's registry and the built-in names). */
export interface ObjectiveCatalog {
  builtinNames: readonly string[];
  registeredNames(kind: 'module' | 'command'): readonly string[] | null;
  /** Whether a registered command brings its own search space (its manifest's `space`). */
  hasDefaultSpace(name: string): boolean;
  allowInlineCommands: boolean;
}

/**
 * Checks the semantics of a definition whose shape was validated at the edge (REST DTOs): the search
 * space, the sampler and pruner options (an unknown one names `sampler.options` / `pruner.options`),
 * the objective (a built-in problem returns one value, so it takes exactly one direction), the budget.
 * Returns it normalized.
 * @throws InvalidStudyDefinitionError naming the field
 */
export function checkStudyDefinition(def: StudyDefinition, catalog: ObjectiveCatalog): StudyDefinition {
  let space: SearchSpaceDefinition | null = null;
  if (def.searchSpace !== null) {
    const entries = def.searchSpace;
    space = at(
      'searchSpace',
      () => parseSearchSpace(entries),
      (parameter) => entryIndex(entries, parameter),
    );
  }
  if (def.sampler.type === 'grid' && !def.sampler.grid) {
    const inOptions = def.sampler.options !== undefined && 'grid' in def.sampler.options;
    throw new InvalidStudyDefinitionError(
      'sampler.grid',
      `is required for the 'grid' sampler, e.g. {"type": "grid", "grid": {"x": [1, 2, 3]}}${inOptions ? ' (beside type, not in options)' : ''}`,
    );
  }
  at('sampler', () => createSampler(def.sampler).checkDirections?.(def.directions));
  at('pruner', () => createPruner(def.pruner));
  checkObjective(def, space, catalog);
  if (def.pruner.type !== 'none' && def.directions.length > 1) {
    throw new InvalidStudyDefinitionError('pruner', 'pruning supports one objective only; use "none"');
  }
  const { nTrials, maxParallel, timeoutSec } = def.budget;
  if (maxParallel > nTrials) {
    throw new InvalidStudyDefinitionError(
      'budget.maxParallel',
      `must be <= budget.nTrials (${nTrials}), got ${maxParallel}`,
    );
  }
  if (timeoutSec !== null && timeoutSec <= 0) {
    throw new InvalidStudyDefinitionError('budget.timeoutSec', `must be > 0, got ${timeoutSec}`);
  }
  const priorityProblem = def.priority === undefined ? null : studyPriorityProblem(def.priority);
  if (priorityProblem) throw new InvalidStudyDefinitionError('priority', priorityProblem);
  if (def.resources !== undefined) {
    const problem = resourcesProblem(def.resources);
    if (problem) throw new InvalidStudyDefinitionError('resources', problem);
    if (isClientOnly(def) && Object.keys(def.resources).length > 0) {
      throw new InvalidStudyDefinitionError(
        'resources',
        'applies to trials run by queue workers; a client-only study (no objective) has none',
      );
    }
  }
  for (const key of ['maxRetries', 'retryFailedTrials'] as const) {
    const n = def.retry?.[key];
    if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > MAX_RETRIES_LIMIT)) {
      throw new InvalidStudyDefinitionError(
        `retry.${key}`,
        `must be an integer from 0 to ${MAX_RETRIES_LIMIT}, got ${n}`,
      );
    }
  }
  return { ...def, searchSpace: space ? searchSpaceToJson(space) : null };
}

function checkObjective(
  def: StudyDefinition,
  space: SearchSpaceDefinition | null,
  catalog: ObjectiveCatalog,
): void {
  const o = def.objective;
  // Clients define their parameters as they run (suggest) or give a searchSpace: nothing to check.
  if (o.kind === 'client') return;
  if (o.kind === 'builtin') {
    if (!catalog.builtinNames.includes(o.name)) {
      throw new InvalidStudyDefinitionError(
        'objective.builtin',
        `unknown problem '${o.name}'; one of ${catalog.builtinNames.join(', ')}`,
      );
    }
    // It would be stored and never used: the problem suggests its own parameters.
    if (space !== null) {
      throw new InvalidStudyDefinitionError(
        'searchSpace',
        `the built-in problem '${o.name}' defines its own parameters; leave searchSpace out`,
      );
    }
    // Otherwise every trial would fail ("returned 1 value(s) but the study has 2").
    if (def.directions.length !== BUILTIN_OBJECTIVE_VALUES) {
      throw new InvalidStudyDefinitionError(
        'directions',
        `the built-in problem '${o.name}' returns ${BUILTIN_OBJECTIVE_VALUES} value; give ${BUILTIN_OBJECTIVE_VALUES} direction, got ${def.directions.length}`,
      );
    }
    return;
  }
  if (o.kind === 'inline-command') {
    if (!catalog.allowInlineCommands) {
      throw new InvalidStudyDefinitionError(
        'objective.inlineCommand',
        'inline commands are turned off on this platform (the operator sets TUNEFORGE_ALLOW_INLINE_COMMANDS=1 to allow them); use a registered command',
      );
    }
  } else {
    const names = catalog.registeredNames(o.kind);
    if (names !== null && !names.includes(o.name)) {
      throw new InvalidStudyDefinitionError(
        `objective.${o.kind}`,
        `no registered ${o.kind} objective named '${o.name}'${names.length ? `; registered: ${names.join(', ')}` : ''}`,
      );
    }
  }
  const ownSpace = o.kind === 'command' && catalog.hasDefaultSpace(o.name);
  if ((o.kind === 'command' || o.kind === 'inline-command') && space === null && !ownSpace) {
    throw new InvalidStudyDefinitionError(
      'searchSpace',
      'is required for command objectives (they read their parameters)',
    );
  }
}

/**
 * Runs a check, its errors named by `field`; a search space error names its parameter by the entry's
 * index (`searchSpace.2.low`), the JSON path into the definition that the edge's own checks use too.
 */
function at<T>(field: string, check: () => T, indexOf?: (parameter: string) => number): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof InvalidStudyDefinitionError) throw e;
    if (e instanceof UnknownOptionError) throw new InvalidStudyDefinitionError(`${field}.options`, e.message);
    if (e instanceof InvalidSearchSpaceError && e.parameter !== null) {
      const index = indexOf?.(e.parameter) ?? -1;
      const entry = index >= 0 ? String(index) : e.parameter;
      throw new InvalidStudyDefinitionError(`${field}.${entry}${e.field ? `.${e.field}` : ''}`, e.message);
    }
    if (e instanceof InvalidArgumentError || e instanceof RangeError) {
      throw new InvalidStudyDefinitionError(field, e.message);
    }
    throw e;
  }
}

export function definitionToJson(def: StudyDefinition): JsonObject {
  return JSON.parse(JSON.stringify(def)) as JsonObject;
}

/**
 * The index of the parameter's entry in the array form of a space; of its last entry when the name is
 * repeated (the second definition is the one at fault). -1 when no entry has that name.
 */
function entryIndex(entries: ReadonlyArray<Record<string, unknown>>, parameter: string): number {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i].name === parameter) return i;
  return -1;
}
