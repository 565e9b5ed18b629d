import { checkKnownOptions, type OptionNames } from '../options/known-options';
import { InvalidArgumentError } from '../errors';
import type { TrialContext } from '../trial/trial-context';
import type { Pruner } from './pruner';
import type { PruningHistory } from './pruning-history';
import { checkIntegerOption, nanBest, pruningDirection, reportedSteps } from './pruning-helpers';

/** The option names of PatientPrunerOptions. */
export const PATIENT_PRUNER_OPTIONS: OptionNames<PatientPrunerOptions> = { patience: true, minDelta: true };

export interface PatientPrunerOptions {
  /**
   * Steps without improvement tolerated: pruning is considered only once the best of the last
   * `patience + 1` values is no better than the best before them.
   */
  patience: number;
  /** How much better a value must be to count as an improvement (>= 0). @defaultValue 0 */
  minDelta?: number;
}

/**
 * Waits until the trial's curve has stopped improving for `patience` steps, then lets `wrapped`
 * decide (or prunes, when `wrapped` is null: early stopping on the trial's own curve). Optuna's
 * PatientPruner. NaN values are ignored; a stretch of nothing but NaN never counts as stagnation.
 */
export class PatientPruner implements Pruner {
  private readonly patience: number;
  private readonly minDelta: number;

  constructor(
    private readonly wrapped: Pruner | null,
    options: PatientPrunerOptions,
  ) {
    if (wrapped !== null && typeof wrapped?.prune !== 'function') {
      throw new InvalidArgumentError('wrapped must be a Pruner or null.');
    }
    checkKnownOptions('PatientPruner', options, PATIENT_PRUNER_OPTIONS);
    const { patience, minDelta = 0 } = options ?? ({} as Partial<PatientPrunerOptions>);
    checkIntegerOption('patience', patience as number, 0);
    if (typeof minDelta !== 'number' || !(minDelta >= 0) || minDelta === Infinity) {
      throw new RangeError(`minDelta must be a finite number >= 0, got ${String(minDelta)}`);
    }
    this.patience = patience;
    this.minDelta = minDelta;
  }

  prune(history: PruningHistory, trial: TrialContext): boolean {
    const direction = pruningDirection(history);
    const steps = reportedSteps(trial);
    if (steps.length <= this.patience + 1) return false;

    const split = steps.length - this.patience - 1;
    const value = (s: number) => trial.intermediateValues[s];
    const bestBefore = nanBest(steps.slice(0, split).map(value), direction);
    const bestAfter = nanBest(steps.slice(split).map(value), direction);
    // Comparisons with NaN are false: no stagnation is seen where there is nothing to compare.
    const stagnated =
      direction === 'minimize'
        ? bestBefore + this.minDelta < bestAfter
        : bestBefore - this.minDelta > bestAfter;
    if (!stagnated) return false;
    return this.wrapped === null ? true : this.wrapped.prune(history, trial);
  }
}
