import { checkKnownOptions, type OptionNames } from '../options/known-options';
import { InvalidArgumentError } from '../errors';
import type { TrialContext } from '../trial/trial-context';
import { lastStep } from '../trial/frozen-trial';
import type { Pruner } from './pruner';
import type { PruningHistory } from './pruning-history';
import {
  checkIntegerOption,
  isFirstInIntervalStep,
  pruningDirection,
  reportedSteps,
} from './pruning-helpers';

const THRESHOLD_PRUNER_OPTIONS: OptionNames<ThresholdPrunerOptions> = {
  lower: true,
  upper: true,
  nWarmupSteps: true,
  intervalSteps: true,
};

export interface ThresholdPrunerOptions {
  /** Prune when the latest intermediate value is below this. @defaultValue no lower bound */
  lower?: number;
  /** Prune when the latest intermediate value is above this. @defaultValue no upper bound */
  upper?: number;
  /** No pruning before this step of the trial (steps count from 0). @defaultValue 0 */
  nWarmupSteps?: number;
  /**
   * Steps between two checks, counted from `nWarmupSteps`; a check whose step was not reported
   * happens at the next step reported. @defaultValue 1
   */
  intervalSteps?: number;
}

/**
 * Prunes a trial whose latest intermediate value leaves [lower, upper] or is NaN: a guard against
 * diverging runs, judged on the trial alone (Optuna's ThresholdPruner). At least one bound is needed.
 */
export class ThresholdPruner implements Pruner {
  private readonly lower: number;
  private readonly upper: number;
  private readonly nWarmupSteps: number;
  private readonly intervalSteps: number;

  constructor(options: ThresholdPrunerOptions) {
    checkKnownOptions('ThresholdPruner', options, THRESHOLD_PRUNER_OPTIONS);
    const { lower, upper, nWarmupSteps = 0, intervalSteps = 1 } = options ?? {};
    if (lower === undefined && upper === undefined) {
      throw new InvalidArgumentError('ThresholdPruner needs at least one of lower or upper.');
    }
    for (const [option, bound] of [
      ['lower', lower],
      ['upper', upper],
    ] as const) {
      if (bound !== undefined && (typeof bound !== 'number' || Number.isNaN(bound))) {
        throw new RangeError(`${option} must be a number, got ${String(bound)}`);
      }
    }
    this.lower = lower ?? -Infinity;
    this.upper = upper ?? Infinity;
    if (this.lower > this.upper) {
      throw new RangeError(`lower must be <= upper, got lower=${this.lower} > upper=${this.upper}`);
    }
    checkIntegerOption('nWarmupSteps', nWarmupSteps, 0);
    checkIntegerOption('intervalSteps', intervalSteps, 1);
    this.nWarmupSteps = nWarmupSteps;
    this.intervalSteps = intervalSteps;
  }

  prune(history: PruningHistory, trial: TrialContext): boolean {
    pruningDirection(history);
    const step = lastStep(trial);
    if (step === null || step < this.nWarmupSteps) return false;
    if (!isFirstInIntervalStep(step, reportedSteps(trial), this.nWarmupSteps, this.intervalSteps))
      return false;
    const latest = trial.intermediateValues[step];
    return Number.isNaN(latest) || latest < this.lower || latest > this.upper;
  }
}
