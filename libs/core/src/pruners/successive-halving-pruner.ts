import { checkKnownOptions, type OptionNames } from '../options/known-options';
import { InvalidArgumentError } from '../errors';
import type { TrialContext } from '../trial/trial-context';
import { lastStep, type FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/trial-state';
import type { Pruner } from './pruner';
import type { PruningHistory } from './pruning-history';
import { checkIntegerOption, pruningDirection } from './pruning-helpers';

const SUCCESSIVE_HALVING_PRUNER_OPTIONS: OptionNames<SuccessiveHalvingPrunerOptions> = {
  minResource: true,
  reductionFactor: true,
  minEarlyStoppingRate: true,
  bootstrapCount: true,
};

export interface SuccessiveHalvingPrunerOptions {
  /**
   * Steps a trial runs before its first promotion check (`r` of the ASHA paper). `'auto'` takes
   * max(floor(s / 100), 1) where `s` is the largest last step of the COMPLETE trials, once one
   * exists (no pruning before). @defaultValue 'auto'
   */
  minResource?: 'auto' | number;
  /** About one trial in `reductionFactor` is promoted at each rung (`eta`). @defaultValue 4 */
  reductionFactor?: number;
  /**
   * The first rung completes at step `minResource * reductionFactor ** minEarlyStoppingRate`
   * (`s` of the paper). @defaultValue 0
   */
  minEarlyStoppingRate?: number;
  /**
   * A rung must have been completed by more than this many trials (the current one included)
   * before any trial is promoted out of it; until then, trials reaching it are pruned.
   * Needs a numeric `minResource`. @defaultValue 0
   */
  bootstrapCount?: number;
}

/** The system attribute holding the trial's value at the end of rung `rung`. */
export function completedRungKey(rung: number): string {
  return `completed_rung_${rung}`;
}

/**
 * `'auto'` min resource: one hundredth of the longest COMPLETE curve (`longestCompletedStep`, its
 * last step), at least 1; null before one completes.
 */
export function estimateMinResource(longestCompletedStep: number | null): number | null {
  return longestCompletedStep === null ? null : Math.max(Math.floor(longestCompletedStep / 100), 1);
}

/** The first rung the trial has not completed yet (rungs are recorded in its system attributes). */
function currentRung(trial: FrozenTrial): number {
  let rung = 0;
  while (completedRungKey(rung) in trial.systemAttrs) rung++;
  return rung;
}

/**
 * Whether `value` is in the top 1/eta of `competing` (which includes it). Until a rung holds eta
 * values, 1/eta of them is less than one trial; as trials cannot be paused and resumed later, the
 * best value so far is promoted instead.
 */
function isPromotable(
  value: number,
  competing: number[],
  reductionFactor: number,
  direction: StudyDirection,
): boolean {
  const promotableIndex = Math.max(Math.floor(competing.length / reductionFactor) - 1, 0);
  competing.sort((a, b) => a - b);
  return direction === 'maximize'
    ? value >= competing[competing.length - 1 - promotableIndex]
    : value <= competing[promotableIndex];
}

/**
 * Asynchronous Successive Halving (ASHA, https://arxiv.org/abs/1810.05934), as Optuna's
 * SuccessiveHalvingPruner: rung `k` completes at step `minResource * eta ** (s + k)`; a trial
 * reaching it records its value there (`completed_rung_<k>` system attribute) and goes on only if
 * that value is in the top 1/eta of the values other trials recorded at the same rung. The
 * maximum resource is whatever the objective runs; no trial is ever resumed.
 */
export class SuccessiveHalvingPruner implements Pruner {
  private resolvedMinResource: number | null;
  private readonly reductionFactor: number;
  private readonly minEarlyStoppingRate: number;
  private readonly bootstrapCount: number;

  constructor(options: SuccessiveHalvingPrunerOptions = {}) {
    checkKnownOptions('SuccessiveHalvingPruner', options, SUCCESSIVE_HALVING_PRUNER_OPTIONS);
    const {
      minResource = 'auto',
      reductionFactor = 4,
      minEarlyStoppingRate = 0,
      bootstrapCount = 0,
    } = options;
    if (minResource !== 'auto') {
      if (typeof minResource !== 'number') {
        throw new RangeError(
          `minResource must be 'auto' or an integer >= 1, got ${JSON.stringify(minResource)}`,
        );
      }
      checkIntegerOption('minResource', minResource, 1);
    }
    checkIntegerOption('reductionFactor', reductionFactor, 2);
    checkIntegerOption('minEarlyStoppingRate', minEarlyStoppingRate, 0);
    checkIntegerOption('bootstrapCount', bootstrapCount, 0);
    if (bootstrapCount > 0 && minResource === 'auto') {
      // Until 'auto' is resolved no rung exists, so a bootstrap count would have nothing to count.
      throw new InvalidArgumentError(
        `bootstrapCount > 0 needs a numeric minResource, got minResource='auto' and bootstrapCount=${bootstrapCount}`,
      );
    }
    this.resolvedMinResource = minResource === 'auto' ? null : minResource;
    this.reductionFactor = reductionFactor;
    this.minEarlyStoppingRate = minEarlyStoppingRate;
    this.bootstrapCount = bootstrapCount;
  }

  /** The minimum resource in use: the option, or the estimate once `'auto'` is resolved (null before). */
  get minResource(): number | null {
    return this.resolvedMinResource;
  }

  prune(history: PruningHistory, trial: TrialContext): boolean {
    const direction = pruningDirection(history);
    const step = lastStep(trial);
    if (step === null) return false;

    const value = trial.intermediateValues[step];
    let rung = currentRung(trial);

    // One report can complete several rungs at once (a trial reporting sparse steps): climb them all.
    for (;;) {
      if (this.resolvedMinResource === null) {
        this.resolvedMinResource = estimateMinResource(history.longestCompletedStep());
        if (this.resolvedMinResource === null) return false;
      }
      const promotionStep =
        this.resolvedMinResource * this.reductionFactor ** (this.minEarlyStoppingRate + rung);
      if (step < promotionStep) return false;
      if (Number.isNaN(value)) return true;

      // The attribute persists the rung with the trial (any process can rebuild the history from it).
      trial.setSystemAttr(completedRungKey(rung), value);
      history.recordRung(trial.number, rung, value);

      const competing = [value];
      for (const [number, v] of history.rungValues(rung)) {
        // The trial itself counts once, with the value just recorded (the history may hold an older copy).
        if (number !== trial.number) competing.push(v);
      }
      if (competing.length <= this.bootstrapCount) return true;
      if (!isPromotable(value, competing, this.reductionFactor, direction)) return true;
      rung++;
    }
  }
}
