import { checkKnownOptions, type OptionNames } from '../options/known-options';
import type { TrialContext } from '../trial/trial-context';
import { lastStep } from '../trial/frozen-trial';
import type { Pruner } from './pruner';
import type { PruningHistory } from './pruning-history';
import {
  bestIntermediateValue,
  checkIntegerOption,
  isFirstInIntervalStep,
  percentileAtStep,
  pruningDirection,
  reportedSteps,
} from './pruning-helpers';

/** The options shared by PercentilePruner and MedianPruner. */
export interface PercentilePrunerCommonOptions {
  /** No pruning until this many trials of the study are COMPLETE. @defaultValue 5 */
  nStartupTrials?: number;
  /** No pruning before this step of the trial (steps count from 0). @defaultValue 0 */
  nWarmupSteps?: number;
  /**
   * Steps between two pruning checks, counted from `nWarmupSteps`. When the trial does not report
   * the step of a check, the check happens at the next step it reports. @defaultValue 1
   */
  intervalSteps?: number;
  /**
   * No pruning at a step that fewer than this many COMPLETE trials reported, so that the first
   * trials to reach a step are not judged against too few others. @defaultValue 1
   */
  nMinTrials?: number;
}

/** The option names of PercentilePrunerCommonOptions (MedianPruner's options). */
export const PERCENTILE_PRUNER_COMMON_OPTIONS: OptionNames<PercentilePrunerCommonOptions> = {
  nStartupTrials: true,
  nWarmupSteps: true,
  intervalSteps: true,
  nMinTrials: true,
};

const PERCENTILE_PRUNER_OPTIONS: OptionNames<PercentilePrunerOptions> = {
  ...PERCENTILE_PRUNER_COMMON_OPTIONS,
  percentile: true,
};

export interface PercentilePrunerOptions extends PercentilePrunerCommonOptions {
  /**
   * The share of trials to keep, in percent (0..100): 25 prunes a trial whose best value so far is
   * outside the best 25% of the COMPLETE trials' values at the same step.
   */
  percentile: number;
}

/**
 * Prunes a trial whose best intermediate value so far is worse than the given percentile of the
 * values the COMPLETE trials reported at the same step (Optuna's PercentilePruner). A trial whose
 * values are all NaN is pruned; a step whose percentile cannot be computed prunes nothing.
 */
export class PercentilePruner implements Pruner {
  private readonly percentile: number;
  private readonly nStartupTrials: number;
  private readonly nWarmupSteps: number;
  private readonly intervalSteps: number;
  private readonly nMinTrials: number;

  constructor(options: PercentilePrunerOptions) {
    checkKnownOptions('PercentilePruner', options, PERCENTILE_PRUNER_OPTIONS);
    const {
      percentile,
      nStartupTrials = 5,
      nWarmupSteps = 0,
      intervalSteps = 1,
      nMinTrials = 1,
    } = options ?? ({} as Partial<PercentilePrunerOptions>);
    if (typeof percentile !== 'number' || !(percentile >= 0 && percentile <= 100)) {
      throw new RangeError(`percentile must be a number between 0 and 100, got ${String(percentile)}`);
    }
    checkIntegerOption('nStartupTrials', nStartupTrials, 0);
    checkIntegerOption('nWarmupSteps', nWarmupSteps, 0);
    checkIntegerOption('intervalSteps', intervalSteps, 1);
    checkIntegerOption('nMinTrials', nMinTrials, 1);
    this.percentile = percentile;
    this.nStartupTrials = nStartupTrials;
    this.nWarmupSteps = nWarmupSteps;
    this.intervalSteps = intervalSteps;
    this.nMinTrials = nMinTrials;
  }

  prune(history: PruningHistory, trial: TrialContext): boolean {
    const direction = pruningDirection(history);
    const completed = history.completedTrialCount();
    if (completed === 0 || completed < this.nStartupTrials) return false;

    const step = lastStep(trial);
    if (step === null || step < this.nWarmupSteps) return false;
    if (!isFirstInIntervalStep(step, reportedSteps(trial), this.nWarmupSteps, this.intervalSteps))
      return false;

    const best = bestIntermediateValue(trial, direction);
    // A curve with nothing but NaN cannot get better than every other curve: stop it.
    if (Number.isNaN(best)) return true;

    const threshold = percentileAtStep(
      history.valuesAtStep(step),
      direction,
      this.percentile,
      this.nMinTrials,
    );
    if (Number.isNaN(threshold)) return false;
    return direction === 'maximize' ? best < threshold : best > threshold;
  }
}
