import { isSingle, toExternal, type Distribution, type ParamValue } from '../../distributions';
import { InvalidArgumentError } from '../../errors';
import { checkKnownOptions, type OptionNames } from '../../options/known-options';
import { createRng, deriveRng, type Rng } from '../../random/rng';
import { totalViolation } from '../../multi-objective/constraints';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { TrialContext } from '../../trial/trial-context';
import type { StudyDirection } from '../../trial/trial-state';
import { CompleteTrialsIntersection } from '../complete-trials-intersection';
import { IndependentSamplingWarnings } from '../independent-fallback';
import { sampleFromPrior } from '../random/random-sampler';
import type { Sampler, SearchSpace } from '../sampler';
import { FINISHED_STATES, HistoryIndex, type Column } from './history-index';
import { MIN_BELOW_WEIGHT, motpeSplit, type MotpeTrial } from './multi-objective';
import { ParzenEstimator, type ParzenEstimatorOptions } from './parzen-estimator';
import { ScratchPool } from './scratch-pool';
import { GroupDecomposedSearchSpace, withoutSingleValued } from './search-space';
import {
  defaultWeights,
  fillDefaultWeights,
  manyObjectiveGamma,
  multiObjectiveGamma,
  multivariateGamma,
  univariateGamma,
} from './weighting';

export interface TpeSamplerOptions {
  /**
   * Seed of the draws; the same seed gives the same trials. Each draw comes from a generator derived
   * from (seed, trial number, parameters), so any process continuing the study draws the same ones,
   * and the start-up trials are RandomSampler's with the same seed. @defaultValue a random seed
   */
  seed?: number;
  /** Finished trials sampled at random before TPE models the history. @defaultValue 10 */
  nStartupTrials?: number;
  /** Candidates drawn from l(x), of which the one with the best l(x)/g(x) is taken. @defaultValue 24 */
  nEiCandidates?: number;
  /**
   * γ: how many of n finished trials form the "good" density l(x) (an integer in 0..n).
   * @defaultValue one objective: multivariateGamma, min(⌈0.2 n⌉, 25), with `multivariate`;
   * univariateGamma, min(⌈0.15 n⌉, 25), without (Optuna: min(⌈0.1 n⌉, 25), `optunaGamma`). Two
   * objectives: multiObjectiveGamma, ⌈0.1 n⌉ (Optuna 5's). Three or more: manyObjectiveGamma, ⌈0.2 n⌉.
   */
  gamma?: (n: number) => number;
  /**
   * The weights of n observations in a Parzen estimator, oldest first (n finite numbers >= 0). With
   * `rankWeights`, they weigh the "bad" trials of g(x) only.
   * @defaultValue defaultWeights: 1, with a linear ramp down for all but the newest 25
   */
  weights?: (n: number) => ArrayLike<number>;
  /**
   * Weigh the good trials of l(x) by rank instead of age: the best of m weighs m, the next m - 1, ...,
   * the last 1, so that l(x) leans towards the very best points. @defaultValue true (Optuna: false)
   */
  rankWeights?: boolean;
  /**
   * Model PRUNED trials too, ranked after every COMPLETE one by the step they reached, then their
   * value there (Optuna 3.1). Otherwise a pruned trial (stopped on early-step evidence, its final
   * value unknown) is left out, and TPE starts once nStartupTrials trials are COMPLETE — or, when
   * pruning is so heavy that 3 × nStartupTrials trials finish first, with the pruned ones ranked as
   * above. @defaultValue false (Optuna: true)
   */
  considerPrunedTrials?: boolean;
  /** Weight of the prior kernel (a wide kernel over the whole range), in observations. @defaultValue 1 */
  priorWeight?: number;
  /** Floor the kernels' bandwidths at range / min(100, n + 2). @defaultValue true */
  considerMagicClip?: boolean;
  /** Let the outermost observations' bandwidths reach the bounds (univariate rule). @defaultValue false */
  considerEndpoints?: boolean;
  /**
   * Model the parameters that the finished trials share jointly, with product kernels, instead of
   * one at a time. @defaultValue true for one or two objectives, false for three or more (Optuna 3.1:
   * false; Optuna 5: true for one objective, false for several); true when `group` is set
   */
  multivariate?: boolean;
  /**
   * With `multivariate`: split the space into the groups of parameters that occur together (the
   * branches of a conditional space) and model each group jointly on the trials that have it.
   * @defaultValue the value of `multivariate` (Optuna: false)
   */
  group?: boolean;
  /**
   * Bandwidth of the multivariate kernels: σ = bandwidthFactor · n^(-1/(d+4)) · range on each of the
   * d axes. @defaultValue 0.1 (Optuna: 0.2)
   */
  bandwidthFactor?: number;
  /**
   * How much each categorical kernel spreads over all choices: a = categoricalSmoothing ·
   * priorWeight / (n + 1) on every choice, + 1 on its own. Choices the good trials rarely took keep
   * a fair chance, which is what gets a study out of a conditional branch that only looks better
   * early. @defaultValue 10 (Optuna: 1)
   */
  categoricalSmoothing?: number;
  /**
   * The constant liar: how trials still RUNNING (or WAITING with parameters) count when TPE models
   * the history, so that parallel workers spread out instead of sampling next to each other. Each
   * counts as a COMPLETE trial whose value is the lie —
   * - `'worst'`: worse than every finished trial, so it is always in g(x) and TPE avoids its region
   *   (Optuna's constant liar);
   * - `'mean'`: the mean of the COMPLETE values, ranked among them;
   * - `'best'`: the best COMPLETE value so far (ranked after the trials that hold it).
   * `true` is the default lie, `false` ignores unfinished trials. Sequential use is unaffected: with
   * no unfinished trial there is nothing to lie about. Under the batch protocol (B = 4, 8, 16, public
   * and validation suites) 'worst' won: 'mean' is the same lie in practice (the mean of skewed
   * values ranks below the best γ), and 'best' puts the running trials in l(x), so a batch crowds
   * where it already is (1.1-1.6× the regret). @defaultValue true (= 'worst')
   */
  constantLiar?: boolean | ConstantLiar;
  /**
   * With the constant liar, the weight of a running trial in g(x), relative to a finished trial of
   * the same age: a running trial is a point whose value is not known yet. At full weight (Optuna's,
   * 1) the pending points of a large batch crowd g(x) where l(x) is, and push TPE out of the good
   * region; 0.1-0.3 did better at B = 8 and 16 (≈ 0.8× the regret of weight 1 at B = 16, geometric
   * mean over the problems). @defaultValue 0.2
   */
  liarWeight?: number;
  /**
   * With `multivariate`, report a parameter that had to be sampled independently (outside the
   * relative space) once TPE is past its start-up trials: `true` writes a console warning, a
   * function receives the message, `false` is silent. Each parameter is reported once.
   * @defaultValue true
   */
  warnIndependentSampling?: boolean | ((message: string) => void);
  /**
   * With several objectives (MOTPE): how l(x) weighs its good trials — `'hypervolume'`, each
   * feasible COMPLETE one of their Pareto front by its exclusive hypervolume contribution over the
   * largest, the others next to nothing (Optuna 3.1); `'uniform'`, 1 each (Optuna 5.0dev).
   * On the multi-objective suite 'uniform' did better at 200 trials with γ = ⌈0.1 n⌉ (ZDT1 3.4
   * against 7.1): l(x) then spreads over the whole good set instead of its few largest contributors.
   * @defaultValue 'uniform'
   */
  multiObjectiveWeights?: MultiObjectiveWeights;
}

const TPE_SAMPLER_OPTIONS: OptionNames<TpeSamplerOptions> = {
  seed: true,
  nStartupTrials: true,
  nEiCandidates: true,
  gamma: true,
  weights: true,
  rankWeights: true,
  considerPrunedTrials: true,
  priorWeight: true,
  considerMagicClip: true,
  considerEndpoints: true,
  multivariate: true,
  group: true,
  bandwidthFactor: true,
  categoricalSmoothing: true,
  constantLiar: true,
  liarWeight: true,
  warnIndependentSampling: true,
  multiObjectiveWeights: true,
};

/** How l(x) weighs the good trials with several objectives (see `TpeSamplerOptions.multiObjectiveWeights`). */
export type MultiObjectiveWeights = 'hypervolume' | 'uniform';

const MULTI_OBJECTIVE_WEIGHTS: readonly MultiObjectiveWeights[] = ['hypervolume', 'uniform'];

/** The value a trial still running counts with (see `TpeSamplerOptions.constantLiar`). */
export type ConstantLiar = 'worst' | 'mean' | 'best';

const CONSTANT_LIARS: readonly ConstantLiar[] = ['worst', 'mean', 'best'];
/** What `constantLiar: true` (and the default) means: the lie that won under the batch protocol. */
const DEFAULT_LIAR: ConstantLiar = 'worst';

/** The defaults that differ with the number of objectives (a user's option overrides them). */
interface ModelDefaults {
  readonly multivariate: boolean;
  /** γ; when absent, multivariateGamma or univariateGamma by `multivariate`. */
  readonly gamma?: (n: number) => number;
}

const SINGLE_OBJECTIVE_DEFAULTS: ModelDefaults = { multivariate: true };

/**
 * Two objectives (MOTPE), chosen on the multi-objective suite (BENCHMARKS.md, "Multi-objective TPE
 * and the automatic sampler"): the joint model, with the best 10 % of the trials in l(x) and no cap
 * at 25 (Optuna 5's γ), so that l(x) grows with the front; with uniform weights ZDT1 and ZDT3 kept
 * improving past 100 trials where min(⌈0.2 n⌉, 25) stalled (200 trials, seeds 0–9: 7.27 → 3.44 and
 * 13.8 → 10.1). Binh–Korn (two parameters) needs the joint model: one at a time it doubled.
 */
const BI_OBJECTIVE_DEFAULTS: ModelDefaults = { multivariate: true, gamma: multiObjectiveGamma };

/**
 * Three or more objectives: one parameter at a time, with the best 20 % (at most 50) in l(x). The front
 * of three objectives is a surface: the good trials spread over whole axes while they agree on
 * others, and the neighbour rule gives each axis its own bandwidth where the joint model shares one
 * (DTLZ2 with three objectives, the suite's only such problem, 200 trials, seeds 0–9: 0.0995 against
 * 0.161 for the previous joint defaults).
 */
const MANY_OBJECTIVE_DEFAULTS: ModelDefaults = { multivariate: false, gamma: manyObjectiveGamma };

/** How l(x) weighs its good trials with several objectives by default (`multiObjectiveWeights`). */
const DEFAULT_MULTI_OBJECTIVE_WEIGHTS: MultiObjectiveWeights = 'uniform';

const HAS = 1;
const BELOW = 2;

/** Per-study state: the history index and the search spaces derived from it. */
interface StudyState {
  readonly index: HistoryIndex;
  /** The parameters every finished (COMPLETE or PRUNED) trial has: the multivariate model without groups. */
  readonly intersection: CompleteTrialsIntersection;
  readonly groups: GroupDecomposedSearchSpace;
}

/** A MOTPE split of a study's history as it stood with `count` finished trials (see `motpeSplitOf`). */
interface MotpeSplitOfHistory {
  readonly index: HistoryIndex;
  readonly count: number;
  readonly prunedLeftOut: boolean;
  /** The qualifying finished trials' slots. */
  readonly slots: number[];
  /** The good ones, as indices into `slots`, with their weights in l(x). */
  readonly below: number[];
  readonly weights: number[];
}

/** The observations of one Parzen estimator: model-space columns and their weights. */
interface Observations {
  readonly columns: Float64Array[];
  readonly weights: Float64Array;
}

/**
 * The tree-structured Parzen estimator (Bergstra et al., 2011), as Optuna's TPESampler: after
 * `nStartupTrials` random trials, the finished trials are ranked and split into the best γ(n),
 * modelled by l(x), and the rest, modelled by g(x) (Parzen estimators, see parzen-estimator.ts).
 * `nEiCandidates` points are drawn from l and the one maximising l(x)/g(x) — the expected
 * improvement's maximiser under TPE's model — is taken. A (sub)space made only of categorical
 * parameters is drawn from l(x) directly: with a few choices, every candidate set contains the
 * best-ratio choice and the argmax would be greedy.
 *
 * Defaults differ from Optuna 3.1 where the benchmark suite showed a gain (BENCHMARKS.md):
 * multivariate and group on, γ = 0.2 n, l weighted by rank, half Optuna's multivariate bandwidth,
 * smoother categorical kernels, pruned trials left out.
 *
 * Trials in flight: trials still running count with a constant liar (`constantLiar`, on by
 * default), so that parallel workers, or concurrent `ask()`s of a library user, spread out.
 *
 * Several objectives (MOTPE, as Optuna's TPESampler): the good trials are the feasible COMPLETE
 * ones of the best non-domination ranks, the rank that straddles γ cut by greedy hypervolume subset
 * selection, then (when γ asks for more) pruned ones, then infeasible ones by total violation (the
 * trial system attribute `constraints`); l(x) weighs the good trials alike, or by exclusive
 * hypervolume contribution (`multiObjectiveWeights`, multi-objective.ts). Trials in flight count as
 * bad (g(x)) whatever `constantLiar` says: several values have no single lie to rank by. Defaults
 * chosen on the multi-objective suite: two objectives are modelled jointly with γ = ⌈0.1 n⌉, three or
 * more one parameter at a time with γ = ⌈0.2 n⌉ (`multivariate`, `gamma`); the other options are as
 * for one objective, except `rankWeights` and `weights`, which l(x) does not use there.
 *
 * Pruned trials are left out (`considerPrunedTrials`: ranked after every COMPLETE one by the step
 * they reached, then their value there, as Optuna 3.1), and γ counts the COMPLETE trials only; a
 * maximised study is ranked on -value. The history is indexed incrementally (trials are read
 * once), and the models work on typed arrays, so one ask costs O(n) with small constants.
 */
export class TpeSampler implements Sampler {
  private readonly seed: number;
  private readonly nStartupTrials: number;
  private readonly nEiCandidates: number;
  private readonly weights: (n: number) => ArrayLike<number>;
  /** How TPE models a study with one objective, two, and three or more (their defaults differ). */
  private readonly singleObjective: TpeModel;
  private readonly biObjective: TpeModel;
  private readonly manyObjective: TpeModel;
  private readonly multiObjectiveWeights: MultiObjectiveWeights;
  private readonly liar: ConstantLiar | null;
  private readonly liarWeight: number;
  private readonly warnings: IndependentSamplingWarnings;
  private readonly rankWeights: boolean;
  private readonly considerPrunedTrials: boolean;
  private readonly states = new Map<number, StudyState>();
  private readonly belowPool = new ScratchPool();
  private readonly abovePool = new ScratchPool();
  /** The latest MOTPE split over every finished trial (see `motpeSplitOf`). */
  private lastSplit: MotpeSplitOfHistory | null = null;
  /** Per finished trial (by slot): HAS and BELOW bits of the current sampleColumns call. */
  private mask = new Uint8Array(64);

  constructor(options: TpeSamplerOptions = {}) {
    checkKnownOptions('TpeSampler', options, TPE_SAMPLER_OPTIONS);
    const o = options ?? {};
    this.nStartupTrials = integerOption('nStartupTrials', o.nStartupTrials ?? 10, 0);
    this.nEiCandidates = integerOption('nEiCandidates', o.nEiCandidates ?? 24, 1);
    if (o.multivariate !== undefined) booleanOption('multivariate', o.multivariate);
    if (o.group !== undefined) booleanOption('group', o.group);
    if (o.gamma !== undefined) functionOption('gamma', o.gamma);
    if (o.group === true && o.multivariate === false) {
      throw new InvalidArgumentError('group requires multivariate: true (groups are modelled jointly).');
    }
    this.multiObjectiveWeights = enumOption(
      'multiObjectiveWeights',
      o.multiObjectiveWeights ?? DEFAULT_MULTI_OBJECTIVE_WEIGHTS,
      MULTI_OBJECTIVE_WEIGHTS,
    );
    this.weights = functionOption('weights', o.weights ?? defaultWeights);
    this.rankWeights = booleanOption('rankWeights', o.rankWeights ?? true);
    this.considerPrunedTrials = booleanOption('considerPrunedTrials', o.considerPrunedTrials ?? false);
    const priorWeight = numberOption('priorWeight', o.priorWeight ?? 1, 0);
    const bandwidthFactor = numberOption('bandwidthFactor', o.bandwidthFactor ?? 0.1, 0, false);
    const categoricalSmoothing = numberOption('categoricalSmoothing', o.categoricalSmoothing ?? 10, 0);
    this.liar = liarOption(o.constantLiar ?? true);
    this.liarWeight = numberOption('liarWeight', o.liarWeight ?? 0.2, 0, false);
    const warn = o.warnIndependentSampling ?? true;
    if (typeof warn !== 'boolean' && typeof warn !== 'function') {
      throw new RangeError(`warnIndependentSampling must be a boolean or a function, got ${String(warn)}`);
    }
    this.warnings = new IndependentSamplingWarnings(
      warn,
      (name, trialNumber) =>
        `TpeSampler: parameter '${name}' in trial ${trialNumber} was sampled independently, outside the ` +
        'multivariate model (it is not in every finished trial). Pass warnIndependentSampling: false ' +
        'to silence this warning when that is intended.',
    );
    const estimator = {
      priorWeight,
      considerMagicClip: booleanOption('considerMagicClip', o.considerMagicClip ?? true),
      considerEndpoints: booleanOption('considerEndpoints', o.considerEndpoints ?? false),
      bandwidthFactor,
      categoricalSmoothing,
    };
    this.singleObjective = tpeModel(o, SINGLE_OBJECTIVE_DEFAULTS, estimator);
    this.biObjective = tpeModel(o, BI_OBJECTIVE_DEFAULTS, estimator);
    this.manyObjective = tpeModel(o, MANY_OBJECTIVE_DEFAULTS, estimator);
    if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isFinite(o.seed))) {
      throw new RangeError(`seed must be a finite number, got ${String(o.seed)}`);
    }
    this.seed = o.seed ?? Math.floor(createRng(undefined).random() * 2 ** 32);
  }

  /**
   * Called once per trial at ask time: with `multivariate`, the parameters every finished trial has
   * (with `group`, the union of the groups); otherwise nothing, since parameters are independent.
   */
  inferRelativeSearchSpace(study: StudyView, _trial: TrialContext): SearchSpace {
    const model = this.modelOf(study.directions);
    if (!model.multivariate) return {};
    const state = this.state(study);
    if (!model.group) return withoutSingleValued(state.intersection.calculate(study));
    return Object.assign({}, ...state.groups.calculate(state.index)) as SearchSpace;
  }

  /** Called once per trial at ask time with the space just inferred: samples each (sub)space jointly. */
  sampleRelative(
    study: StudyView,
    trial: TrialContext,
    searchSpace: SearchSpace,
  ): Record<string, ParamValue> {
    const names = Object.keys(searchSpace);
    if (names.length === 0) return {};
    const state = this.state(study);
    const directions = study.directions;
    const spaces = this.modelOf(directions).group
      ? state.groups
          .calculate(state.index)
          .map((g) => Object.keys(g).filter((name) => name in searchSpace))
          .filter((g) => g.length > 0)
      : [names];
    const running = this.runningTrials(study, trial);
    const out: Record<string, ParamValue> = {};
    for (const group of spaces) {
      const columns = group.map((name) => state.index.column(name, searchSpace[name]));
      const rng = deriveRng(this.seed, trial.number, 'tpe', ...group);
      const values = this.sampleColumns(state.index, directions, columns, running, false, rng);
      if (values === null) continue;
      group.forEach((name, i) => (out[name] = toExternal(searchSpace[name], values[i])));
    }
    return out;
  }

  /**
   * Called for each parameter the relative sample did not cover, as the objective suggests it:
   * univariate TPE on that parameter (random search during the start-up trials).
   */
  sampleIndependent(
    study: StudyView,
    trial: TrialContext,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    const state = this.state(study);
    if (isSingle(distribution))
      return distribution.type === 'categorical' ? distribution.choices[0] : distribution.low;
    const column = state.index.column(name, distribution);
    // Optuna 3.1: independent TPE ranks every finished trial, multivariate TPE only those with the parameter.
    const rng = deriveRng(this.seed, trial.number, 'tpe', name);
    const running = this.runningTrials(study, trial);
    const multivariate = this.modelOf(study.directions).multivariate;
    const values = this.sampleColumns(state.index, study.directions, [column], running, !multivariate, rng);
    // Start-up: RandomSampler's draw for this seed, trial and parameter.
    if (values === null) return sampleFromPrior(deriveRng(this.seed, trial.number, name), distribution);
    if (multivariate) this.warnings.report(name, trial.number);
    return toExternal(distribution, values[0]);
  }

  /** The index of `study`, brought up to date (the study refreshed its history just before). */
  private state(study: StudyView): StudyState {
    let state = this.states.get(study.studyId);
    if (!state) {
      state = {
        index: new HistoryIndex(),
        intersection: new CompleteTrialsIntersection({ states: FINISHED_STATES }),
        groups: new GroupDecomposedSearchSpace(),
      };
      this.states.set(study.studyId, state);
    }
    state.index.sync(study);
    return state;
  }

  /** RUNNING trials other than `trial`, and WAITING ones that already carry parameters (constant liar only). */
  private runningTrials(study: StudyView, trial: TrialContext): FrozenTrial[] {
    if (this.liar === null) return [];
    return study.getTrials(['RUNNING', 'WAITING']).filter((t) => t.number !== trial.number);
  }

  /**
   * One TPE step over `columns` jointly: split the finished trials that have every column (with
   * `rankAll`, rank all finished trials and keep the parameter's observations on each side), build
   * l and g, draw candidates from l and return the internal values of the best l/g, or null while
   * fewer than nStartupTrials trials qualify.
   */
  private sampleColumns(
    index: HistoryIndex,
    directions: readonly StudyDirection[],
    columns: readonly Column[],
    running: readonly FrozenTrial[],
    rankAll: boolean,
    rng: Rng,
  ): number[] | null {
    const count = index.count;
    // mask[slot]: bit HAS when the trial has every column, bit BELOW once it is among the best.
    if (this.mask.length < count) this.mask = new Uint8Array(Math.max(count, 2 * this.mask.length));
    const mask = this.mask;
    mask.fill(HAS, 0, count);
    for (const c of columns) for (let slot = 0; slot < count; slot++) mask[slot] &= c.has[slot];
    let n = 0;
    let nComplete = 0;
    for (let slot = 0; slot < count; slot++) {
      if (!rankAll && mask[slot] === 0) continue;
      n++;
      if (index.isComplete(slot)) nComplete++;
    }
    if (n < this.nStartupTrials || n === 0) return null;
    // Pruned trials are censored: stopped on early evidence, their final value unknown. TPE models
    // the COMPLETE trials once nStartupTrials of them exist; only when pruning leaves that few
    // complete after 3 × nStartupTrials trials does it fall back to ranking pruned ones after them.
    if (!this.considerPrunedTrials && nComplete < n) {
      const startup = Math.max(this.nStartupTrials, 1);
      if (nComplete >= startup) {
        for (let slot = 0; slot < count; slot++) if (!index.isComplete(slot)) mask[slot] = 0;
        n = nComplete;
      } else if (n < 3 * startup) {
        return null;
      }
    }
    if (directions.length > 1) {
      // Pruned trials were dropped above unless too few trials are COMPLETE (the fallback).
      const prunedLeftOut = !this.considerPrunedTrials && nComplete >= Math.max(this.nStartupTrials, 1);
      return this.sampleMultiObjective(index, directions, columns, running, rankAll, prunedLeftOut, rng);
    }

    // Below: the best γ qualifying finished trials. γ counts the COMPLETE ones (all of them when
    // none is): pruned trials rank after every complete one anyway, and counting them would fill
    // l(x) with most of the completed trials whenever pruning is heavy.
    // Running trials (constant liar) count as COMPLETE ones valued at the lie: with 'worst' they
    // are always above; with 'mean' or 'best' they rank after the complete trials at most that good.
    const runningValues = running
      .map((t) => columns.map((c) => c.valueOf(t)))
      .filter((v): v is number[] => v.every((x) => x !== null));
    const lie = runningValues.length > 0 ? this.lieValue(index, rankAll, nComplete) : Infinity;
    const lies = lie === Infinity ? [] : runningValues;
    const model = this.singleObjective;
    const nBelow = Math.min(this.nBelow(model, nComplete > 0 ? nComplete : n), n + lies.length);
    const belowSlots: number[] = [];
    const ranking = index.ranking;
    let lieAt = -1;
    let nLiesBelow = 0;
    for (let i = 0; i < count && belowSlots.length + nLiesBelow < nBelow; i++) {
      const slot = ranking[i];
      if (!rankAll && mask[slot] === 0) continue;
      if (lieAt < 0 && lies.length > 0 && !(index.isComplete(slot) && index.rankValue(slot) <= lie)) {
        lieAt = belowSlots.length;
        nLiesBelow = Math.min(lies.length, nBelow - belowSlots.length);
        if (belowSlots.length + nLiesBelow >= nBelow) break;
      }
      belowSlots.push(slot);
      mask[slot] |= BELOW;
    }
    if (lieAt < 0 && lies.length > 0) {
      lieAt = belowSlots.length;
      nLiesBelow = Math.min(lies.length, nBelow - belowSlots.length);
    }
    const liesBelow = lies.slice(0, nLiesBelow);
    const runningAbove = lies.length > 0 ? lies.slice(nLiesBelow) : runningValues;
    this.belowPool.reset();
    this.abovePool.reset();
    const belowObs = this.belowObservations(index, columns, belowSlots, liesBelow, lieAt);
    const aboveObs = this.aboveObservations(model, index, columns, runningAbove);
    return this.bestCandidate(model, columns, belowObs, aboveObs, rng);
  }

  /** Builds l and g, draws candidates from l and returns the internal values of the one with the best l/g. */
  private bestCandidate(
    model: TpeModel,
    columns: readonly Column[],
    belowObs: Observations,
    aboveObs: Observations,
    rng: Rng,
  ): number[] {
    const axes = columns.map((c) => c.axis);
    const l = new ParzenEstimator(axes, belowObs.columns, belowObs.weights, model.estimator, this.belowPool);
    const g = new ParzenEstimator(axes, aboveObs.columns, aboveObs.weights, model.estimator, this.abovePool);
    // Only categorical axes: draw from l itself (the argmax over a few choices would be greedy).
    const nEi = axes.every((a) => a.kind === 'categorical') ? 1 : this.nEiCandidates;
    const candidates = l.sample(rng, nEi);
    const logL = l.logPdf(candidates);
    const logG = g.logPdf(candidates);
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i < nEi; i++) {
      const score = logL[i] - logG[i];
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return candidates.map((col) => col[best]);
  }

  /**
   * MOTPE's step (several objectives; the mask holds the qualifying trials, as set by sampleColumns).
   * Good trials, in this order until γ is reached: the feasible COMPLETE ones split by non-domination
   * rank, the front straddling the split cut by greedy hypervolume subset selection; then feasible
   * PRUNED ones (considered only as for one objective) by the step they reached; then infeasible
   * ones by total violation (Optuna's order: a trial breaking a constraint is never better than a
   * feasible one). l(x) weighs the feasible COMPLETE good trials by their exclusive hypervolume
   * contribution, the others next to nothing (MIN_BELOW_WEIGHT). Every other finished trial, and
   * every trial in flight with the constant liar on (whatever the lie: there is no single value to
   * rank it by), goes to g(x).
   */
  private sampleMultiObjective(
    index: HistoryIndex,
    directions: readonly StudyDirection[],
    columns: readonly Column[],
    running: readonly FrozenTrial[],
    rankAll: boolean,
    prunedLeftOut: boolean,
    rng: Rng,
  ): number[] {
    const mask = this.mask;
    const {
      slots,
      below: belowIndices,
      weights,
    } = this.motpeSplitOf(index, directions, rankAll, prunedLeftOut);
    const weightOf = new Map<number, number>();
    belowIndices.forEach((i, k) => {
      mask[slots[i]] |= BELOW;
      weightOf.set(slots[i], weights[k]);
    });
    const below = belowIndices.map((i) => slots[i]);

    this.belowPool.reset();
    this.abovePool.reset();
    const observed = below
      .filter((slot) => (mask[slot] & HAS) !== 0)
      .sort((a, b) => index.numberOf(a) - index.numberOf(b));
    const belowObs: Observations = {
      columns: columns.map((c) => {
        const col = this.belowPool.float(observed.length);
        observed.forEach((slot, i) => (col[i] = c.value[slot]));
        return col;
      }),
      weights: this.belowPool.float(observed.length),
    };
    observed.forEach((slot, i) => (belowObs.weights[i] = weightOf.get(slot) ?? MIN_BELOW_WEIGHT));
    const runningValues = running
      .map((t) => columns.map((c) => c.valueOf(t)))
      .filter((v): v is number[] => v.every((x) => x !== null));
    const model = this.modelOf(directions);
    const aboveObs = this.aboveObservations(model, index, columns, runningValues);
    return this.bestCandidate(model, columns, belowObs, aboveObs, rng);
  }

  /**
   * MOTPE's split of the qualifying finished trials (see sampleMultiObjective): their slots, PRUNED ones
   * in the index's order, and the good ones as indices into those with their weights. One parameter at
   * a time (`rankAll`), every parameter of a trial splits the same history the same way, so the split is
   * kept until another trial finishes: with three objectives the hypervolume selection is most of an ask.
   */
  private motpeSplitOf(
    index: HistoryIndex,
    directions: readonly StudyDirection[],
    rankAll: boolean,
    prunedLeftOut: boolean,
  ): MotpeSplitOfHistory {
    const kept = this.lastSplit;
    if (
      rankAll &&
      kept &&
      kept.index === index &&
      kept.count === index.count &&
      kept.prunedLeftOut === prunedLeftOut
    ) {
      return kept;
    }
    const mask = this.mask;
    const signs = directions.map((d) => (d === 'maximize' ? -1 : 1));
    const slots: number[] = [];
    const trials: MotpeTrial[] = [];
    let nComplete = 0;
    const ranking = index.ranking;
    for (let i = 0; i < index.count; i++) {
      const slot = ranking[i];
      const complete = index.isComplete(slot);
      if (rankAll ? !complete && prunedLeftOut : mask[slot] === 0) continue;
      if (complete) nComplete++;
      const trial = index.trialAt(slot);
      slots.push(slot);
      trials.push({
        values: complete ? (trial.values ?? []).map((v, k) => signs[k] * v) : [],
        complete,
        violation: totalViolation(trial),
        number: trial.number,
      });
    }
    const split = motpeSplit(
      trials,
      this.nBelow(this.modelOf(directions), nComplete > 0 ? nComplete : trials.length),
      this.multiObjectiveWeights,
    );
    const result = { index, count: index.count, prunedLeftOut, slots, ...split };
    if (rankAll) this.lastSplit = result;
    return result;
  }

  /**
   * l's observations: the below trials that have every column (`belowSlots` is best first) and the
   * running trials whose lie ranks among them (before `belowSlots[lieAt]`), weighted by rank (best
   * m, ..., last 1) with `rankWeights`, else oldest first with `weights` (running trials are newest).
   */
  private belowObservations(
    index: HistoryIndex,
    columns: readonly Column[],
    belowSlots: number[],
    lies: number[][],
    lieAt: number,
  ): Observations {
    let slots = belowSlots;
    let liesFrom = 0;
    if (lies.length > 0) {
      liesFrom = belowSlots.slice(0, lieAt).filter((slot) => (this.mask[slot] & HAS) !== 0).length;
    }
    slots = belowSlots.filter((slot) => (this.mask[slot] & HAS) !== 0);
    if (!this.rankWeights) {
      slots.sort((a, b) => index.numberOf(a) - index.numberOf(b));
      liesFrom = slots.length;
    }
    const m = slots.length + lies.length;
    const obs = columns.map((c, d) => {
      const col = this.belowPool.float(m);
      for (let i = 0; i < liesFrom; i++) col[i] = c.value[slots[i]];
      for (let j = 0; j < lies.length; j++) col[liesFrom + j] = lies[j][d];
      for (let i = liesFrom; i < slots.length; i++) col[lies.length + i] = c.value[slots[i]];
      return col;
    });
    let weights: Float64Array;
    if (this.rankWeights) {
      weights = this.belowPool.float(m);
      for (let i = 0; i < m; i++) weights[i] = m - i;
    } else {
      weights = this.weightsOf(m, this.belowPool);
    }
    return { columns: obs, weights };
  }

  /**
   * The lie a running trial counts with, on the index's minimising scale, over the qualifying
   * COMPLETE trials: Infinity ('worst', or nothing COMPLETE to lie from), their mean or their best.
   */
  private lieValue(index: HistoryIndex, rankAll: boolean, nComplete: number): number {
    if (this.liar === 'worst' || this.liar === null || nComplete === 0) return Infinity;
    let best = Infinity;
    let sum = 0;
    let finite = 0;
    for (let slot = 0; slot < index.count; slot++) {
      if ((!rankAll && this.mask[slot] === 0) || !index.isComplete(slot)) continue;
      const v = index.rankValue(slot);
      if (!Number.isFinite(v)) continue;
      best = Math.min(best, v);
      sum += v;
      finite++;
    }
    if (finite === 0) return Infinity;
    return this.liar === 'best' ? best : sum / finite;
  }

  /**
   * g's observations: the other finished trials with every column, then the running ones. One
   * numerical column with the neighbour rule is laid out in value order (the estimator then needs
   * no sort), with each observation's weight taken from its age rank.
   */
  private aboveObservations(
    model: TpeModel,
    index: HistoryIndex,
    columns: readonly Column[],
    running: number[][],
  ): Observations {
    const pool = this.abovePool;
    const count = index.count;
    const byNumber = index.byNumber;
    const mask = this.mask;
    // Age rank of each above observation (finished ones by slot, then running ones: they are newer).
    const rank = pool.int(count);
    let r = 0;
    for (let i = 0; i < count; i++) {
      const slot = byNumber[i];
      if (mask[slot] === HAS) rank[slot] = r++;
    }
    const nFinished = r;
    const n = nFinished + running.length;
    const w = this.weightsOf(n, pool);

    const single = columns.length === 1 ? columns[0] : null;
    if (single && single.axis.kind === 'numerical' && !model.multivariate) {
      const values = pool.float(n);
      const weights = pool.float(n);
      const extra = running
        .map((v, j) => [v[0], w[nFinished + j] * this.liarWeight])
        .sort((a, b) => a[0] - b[0]);
      let j = 0;
      let k = 0;
      for (let i = 0; i < single.size; i++) {
        const slot = single.byValue[i];
        if (mask[slot] !== HAS) continue;
        const v = single.value[slot];
        while (j < extra.length && extra[j][0] < v) {
          values[k] = extra[j][0];
          weights[k++] = extra[j++][1];
        }
        values[k] = v;
        weights[k++] = w[rank[slot]];
      }
      for (; j < extra.length; j++, k++) [values[k], weights[k]] = extra[j];
      return { columns: [values], weights };
    }

    const obs = columns.map(() => pool.float(n));
    columns.forEach((c, d) => {
      const col = obs[d];
      const value = c.value;
      for (let slot = 0; slot < count; slot++) if (mask[slot] === HAS) col[rank[slot]] = value[slot];
    });
    running.forEach((v, j) => v.forEach((x, d) => (obs[d][nFinished + j] = x)));
    for (let j = 0; j < running.length; j++) w[nFinished + j] *= this.liarWeight;
    return { columns: obs, weights: w };
  }

  /** γ(n), checked. */
  private nBelow(model: TpeModel, n: number): number {
    const v = model.gamma(n);
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`gamma(${n}) must return an integer >= 0, got ${String(v)}`);
    return Math.min(v, n);
  }

  /** The model for a study with these directions: one objective, two, or three and more (MOTPE). */
  private modelOf(directions: readonly StudyDirection[]): TpeModel {
    if (directions.length === 1) return this.singleObjective;
    return directions.length === 2 ? this.biObjective : this.manyObjective;
  }

  /** weights(n), checked, in a pooled array. */
  private weightsOf(n: number, pool: ScratchPool): Float64Array {
    const out = pool.float(n);
    if (this.weights === defaultWeights) return fillDefaultWeights(out);
    const w = this.weights(n);
    if (!w || w.length !== n) {
      throw new RangeError(`weights(${n}) must return ${n} numbers, got ${w ? w.length : String(w)}`);
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = w[i];
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
        throw new RangeError(`weights(${n}) must return finite numbers >= 0, got ${String(x)} at ${i}`);
      }
      out[i] = x;
      sum += x;
    }
    if (n > 0 && sum <= 0) throw new RangeError(`weights(${n}) must not be all zero`);
    return out;
  }
}

/**
 * How TPE models a study: the options whose defaults differ between one objective and several,
 * resolved once at construction.
 */
interface TpeModel {
  readonly multivariate: boolean;
  readonly group: boolean;
  readonly gamma: (n: number) => number;
  readonly estimator: ParzenEstimatorOptions;
}

/**
 * The model `options` give, with these defaults where they are silent: `multivariate` (true when
 * `group` is), `group` = multivariate, and γ = `gamma`, else multivariateGamma or univariateGamma.
 */
function tpeModel(
  options: TpeSamplerOptions,
  defaults: ModelDefaults,
  estimator: Omit<ParzenEstimatorOptions, 'multivariate'>,
): TpeModel {
  const multivariate = options.multivariate ?? (options.group === true || defaults.multivariate);
  return {
    multivariate,
    group: options.group ?? multivariate,
    gamma: options.gamma ?? defaults.gamma ?? (multivariate ? multivariateGamma : univariateGamma),
    estimator: { ...estimator, multivariate },
  };
}

function enumOption<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  throw new RangeError(
    `${option} must be one of ${allowed.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(value) ?? String(value)}`,
  );
}

function liarOption(value: unknown): ConstantLiar | null {
  if (value === false) return null;
  if (value === true) return DEFAULT_LIAR;
  if (CONSTANT_LIARS.includes(value as ConstantLiar)) return value as ConstantLiar;
  throw new RangeError(
    `constantLiar must be true, false or one of ${CONSTANT_LIARS.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(value) ?? String(value)}`,
  );
}

function integerOption(option: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${option} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function numberOption(option: string, value: number, min: number, inclusive = true): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (!inclusive && value === min)) {
    throw new RangeError(
      `${option} must be a finite number ${inclusive ? '>=' : '>'} ${min}, got ${String(value)}`,
    );
  }
  return value;
}

function booleanOption(option: string, value: boolean): boolean {
  if (typeof value !== 'boolean') throw new RangeError(`${option} must be a boolean, got ${String(value)}`);
  return value;
}

function functionOption<F>(option: string, value: F): F {
  if (typeof value !== 'function') throw new RangeError(`${option} must be a function, got ${String(value)}`);
  return value;
}
