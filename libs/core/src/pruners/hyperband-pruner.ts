import { checkKnownOptions, type OptionNames } from '../options/known-options';
import { InvalidArgumentError } from '../errors';
import type { TrialContext } from '../trial/trial-context';
import type { StudyView } from '../study/study-view';
import { crc32 } from './crc32';
import type { Pruner } from './pruner';
import type { PruningHistory } from './pruning-history';
import { checkIntegerOption, pruningDirection } from './pruning-helpers';
import { SuccessiveHalvingPruner } from './successive-halving-pruner';

const HYPERBAND_PRUNER_OPTIONS: OptionNames<HyperbandPrunerOptions> = {
  minResource: true,
  maxResource: true,
  reductionFactor: true,
  bootstrapCount: true,
};

export interface HyperbandPrunerOptions {
  /** Steps before the first rung of the most aggressive bracket (`r`). @defaultValue 1 */
  minResource?: number;
  /**
   * The longest a trial runs, in steps (`R` of the paper is maxResource / minResource). `'auto'`
   * takes 1 + the largest last step of the COMPLETE trials, once one exists (no pruning before).
   * @defaultValue 'auto'
   */
  maxResource?: 'auto' | number;
  /** About one trial in `reductionFactor` goes on at each rung (`eta`). @defaultValue 3 */
  reductionFactor?: number;
  /**
   * Trials that must complete a rung before any is promoted out of it, in every bracket. Needs a
   * numeric `maxResource`. @defaultValue 0
   */
  bootstrapCount?: number;
}

/** Numbers fixed once the maximum resource is known. */
interface Brackets {
  maxResource: number;
  pruners: SuccessiveHalvingPruner[];
  /** Share of the trials each bracket receives (`n` of the paper's Algorithm 1, as a ratio). */
  budgets: number[];
  totalBudget: number;
}

/**
 * Hyperband (https://www.jmlr.org/papers/volume18/16-558/16-558.pdf) as Optuna runs it: several
 * SuccessiveHalvingPruners ("brackets") with early-stopping rates 0, 1, ..., each trial judged by
 * one of them against the trials of the same bracket only. Bracket `b` receives a share of trials
 * proportional to ceil(n * eta^s / (s + 1)), s = n - 1 - b; a trial's bracket is
 * crc32(`${studyName}_${trialNumber}`) modulo the total, so every process agrees on it without
 * storing anything.
 */
export class HyperbandPruner implements Pruner {
  private readonly minResource: number;
  private readonly reductionFactor: number;
  private readonly bootstrapCount: number;
  private brackets: Brackets | null = null;
  private readonly bracketCache = new Map<string, number>();

  constructor(options: HyperbandPrunerOptions = {}) {
    checkKnownOptions('HyperbandPruner', options, HYPERBAND_PRUNER_OPTIONS);
    const { minResource = 1, maxResource = 'auto', reductionFactor = 3, bootstrapCount = 0 } = options;
    checkIntegerOption('minResource', minResource, 1);
    if (maxResource !== 'auto') {
      if (typeof maxResource !== 'number') {
        throw new RangeError(
          `maxResource must be 'auto' or an integer >= minResource, got ${JSON.stringify(maxResource)}`,
        );
      }
      checkIntegerOption('maxResource', maxResource, minResource);
    }
    checkIntegerOption('reductionFactor', reductionFactor, 2);
    checkIntegerOption('bootstrapCount', bootstrapCount, 0);
    if (bootstrapCount > 0 && maxResource === 'auto') {
      throw new InvalidArgumentError(
        `bootstrapCount > 0 needs a numeric maxResource, got maxResource='auto' and bootstrapCount=${bootstrapCount}`,
      );
    }
    this.minResource = minResource;
    this.reductionFactor = reductionFactor;
    this.bootstrapCount = bootstrapCount;
    if (maxResource !== 'auto') this.brackets = this.buildBrackets(maxResource);
  }

  /** The maximum resource in use: the option, or the estimate once `'auto'` is resolved (null before). */
  get maxResource(): number | null {
    return this.brackets?.maxResource ?? null;
  }

  /** floor(log_eta(maxResource / minResource)) + 1 once the maximum resource is known, else null. */
  get nBrackets(): number | null {
    return this.brackets?.pruners.length ?? null;
  }

  /** Each bracket's share of the trials, in bracket order, once the maximum resource is known. */
  get bracketBudgets(): readonly number[] | null {
    return this.brackets?.budgets ?? null;
  }

  prune(history: PruningHistory, trial: TrialContext): boolean {
    pruningDirection(history);
    if (!this.initialize(history)) return false;
    const bracket = this.bracketOf(history.studyName, trial.number);
    return this.brackets!.pruners[bracket].prune(this.historyOfBracket(history, bracket), trial);
  }

  /**
   * The bracket of trial `trialNumber` (0 while the maximum resource is unknown). Deterministic:
   * it depends only on the study name, the trial number and the options.
   */
  bracketOf(studyName: string, trialNumber: number): number {
    const b = this.brackets;
    if (b === null) return 0;
    const key = `${studyName}_${trialNumber}`;
    let bracket = this.bracketCache.get(key);
    if (bracket === undefined) {
      let n = crc32(key) % b.totalBudget;
      bracket = 0;
      while (n >= b.budgets[bracket]) n -= b.budgets[bracket++];
      this.bracketCache.set(key, bracket);
    }
    return bracket;
  }

  /**
   * The study as the trial's bracket sees it: only the trials of the same bracket. Samplers may
   * read history through it so that each bracket models its own trials, as Optuna's samplers do
   * under Hyperband. The whole study while the maximum resource is unknown.
   */
  bracketView(study: StudyView, trial: { readonly number: number }): StudyView {
    return this.brackets === null
      ? study
      : this.viewOfBracket(study, this.bracketOf(study.studyName, trial.number));
  }

  private viewOfBracket(study: StudyView, bracket: number): StudyView {
    const bracketOf = (n: number) => this.bracketOf(study.studyName, n);
    return {
      studyId: study.studyId,
      studyName: study.studyName,
      directions: study.directions,
      get direction() {
        return study.direction;
      },
      get systemAttrs() {
        return study.systemAttrs;
      },
      getTrials: (states) => study.getTrials(states).filter((t) => bracketOf(t.number) === bracket),
      stop: () => study.stop(),
    };
  }

  /**
   * The history as the bracket's pruner sees it: the rungs of the same bracket's trials only. The
   * figures of COMPLETE trials stay the whole study's: a bracket's successive halving has a numeric
   * minResource and does not read them.
   */
  private historyOfBracket(history: PruningHistory, bracket: number): PruningHistory {
    const inBracket = (n: number) => this.bracketOf(history.studyName, n) === bracket;
    return {
      studyName: history.studyName,
      directions: history.directions,
      completedTrialCount: () => history.completedTrialCount(),
      valuesAtStep: (step) => history.valuesAtStep(step),
      longestCompletedStep: () => history.longestCompletedStep(),
      rungValues: (rung) => new Map([...history.rungValues(rung)].filter(([n]) => inBracket(n))),
      recordRung: (trialNumber, rung, value) => history.recordRung(trialNumber, rung, value),
    };
  }

  /** Builds the brackets once the maximum resource is known; false while it is not. */
  private initialize(history: PruningHistory): boolean {
    if (this.brackets !== null) return true;
    const longest = history.longestCompletedStep();
    if (longest === null) return false;
    // Steps count from 0: a curve whose last step is s ran s + 1 steps.
    this.brackets = this.buildBrackets(longest + 1);
    return true;
  }

  private buildBrackets(maxResource: number): Brackets {
    const eta = this.reductionFactor;
    // Optuna's formula, floating point included (log(1000) / log(10) = 2.9999999999999996 gives 3
    // brackets, not 4), so that trials land in the same brackets; a too-short 'auto' maximum still
    // gets one bracket.
    const nBrackets = Math.max(Math.floor(Math.log(maxResource / this.minResource) / Math.log(eta)) + 1, 1);
    const pruners: SuccessiveHalvingPruner[] = [];
    const budgets: number[] = [];
    for (let bracket = 0; bracket < nBrackets; bracket++) {
      const s = nBrackets - 1 - bracket;
      budgets.push(Math.ceil((nBrackets * eta ** s) / (s + 1)));
      pruners.push(
        new SuccessiveHalvingPruner({
          minResource: this.minResource,
          reductionFactor: eta,
          minEarlyStoppingRate: bracket,
          bootstrapCount: this.bootstrapCount,
        }),
      );
    }
    return { maxResource, pruners, budgets, totalBudget: budgets.reduce((a, b) => a + b, 0) };
  }
}
