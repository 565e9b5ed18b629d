import { InvalidArgumentError } from '../errors';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/trial-state';

/**
 * The direction of a single-objective study. Pruning judges one intermediate curve per trial, so
 * a study with several objectives has nothing a pruner could compare.
 * @throws InvalidArgumentError for multi-objective studies
 */
export function pruningDirection(study: {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
}): StudyDirection {
  if (study.directions.length !== 1) {
    throw new InvalidArgumentError(
      `Pruning supports one objective only; study '${study.studyName}' has ${study.directions.length} objectives.`,
    );
  }
  return study.directions[0];
}

/** Throws a RangeError naming `option` unless `value` is an integer >= `min`. */
export function checkIntegerOption(option: string, value: number, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${option} must be an integer >= ${min}, got ${String(value)}`);
  }
}

/** The steps a trial reported, ascending. */
export function reportedSteps(trial: FrozenTrial): number[] {
  // Record keys are strings at run time; sort numerically, not as text ("10" < "9").
  return Object.keys(trial.intermediateValues)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Whether `step` is the first step the trial reported in its pruning interval, so that a trial is
 * judged once per interval even when it reports steps off the grid (Optuna's
 * `_is_first_in_interval_step`). Intervals start at `nWarmupSteps`, every `intervalSteps` steps;
 * a check whose grid step was not reported happens at the next step reported instead.
 */
export function isFirstInIntervalStep(
  step: number,
  steps: readonly number[],
  nWarmupSteps: number,
  intervalSteps: number,
): boolean {
  const nearestLowerPruningStep =
    Math.floor((step - nWarmupSteps) / intervalSteps) * intervalSteps + nWarmupSteps;
  let previous = -1;
  for (const s of steps) if (s !== step && s > previous) previous = s;
  return previous < nearestLowerPruningStep;
}

/** Smallest (or largest) non-NaN number; NaN when there is none, like numpy's nanmin/nanmax. */
export function nanBest(values: Iterable<number>, direction: StudyDirection): number {
  let best = Number.NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (direction === 'minimize' ? v < best : v > best)) best = v;
  }
  return best;
}

/** The trial's best intermediate value over all its steps, ignoring NaNs; NaN when every value is NaN. */
export function bestIntermediateValue(trial: FrozenTrial, direction: StudyDirection): number {
  return nanBest(Object.values(trial.intermediateValues), direction);
}

/**
 * The `percentile` (0..100) of the non-NaN `values` with linear interpolation between closest
 * ranks, as numpy's `nanpercentile(values, percentile)` computes it; NaN when no value is a number.
 */
export function nanPercentile(values: readonly number[], percentile: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  // Virtual index (n - 1) * q of numpy's 'linear' method.
  const index = (sorted.length - 1) * (percentile / 100);
  const lo = Math.floor(index);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = index - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  // numpy's _lerp: interpolating from the nearer end keeps exact values at t = 0 and t = 1.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/**
 * The `percentile` of `valuesAtStep`, the values the COMPLETE trials reported at one step (for
 * maximize, the `100 - percentile`, so that the percentile always counts from the best end). NaN when
 * fewer than `nMinTrials` trials reported that step, or when all those values are NaN.
 */
export function percentileAtStep(
  valuesAtStep: readonly number[],
  direction: StudyDirection,
  percentile: number,
  nMinTrials: number,
): number {
  if (valuesAtStep.length < nMinTrials) return Number.NaN;
  return nanPercentile(valuesAtStep, direction === 'maximize' ? 100 - percentile : percentile);
}
