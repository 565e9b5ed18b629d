import type { Distribution, ParamValue } from '../../distributions';
import { InvalidArgumentError } from '../../errors';
import { checkKnownOptions, type OptionNames } from '../../options/known-options';
import { createRng, type Rng } from '../../random/rng';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { TrialState } from '../../trial/trial-state';
import { CompleteTrialsIntersection } from '../complete-trials-intersection';
import {
  checkIndependentFallbackOptions,
  IndependentFallback,
  type WarnIndependentSampling,
} from '../independent-fallback';
import { QmcSampler } from '../qmc/qmc-sampler';
import { SobolSequence } from '../qmc/sobol';
import { normalPpf } from '../../math/normal-ppf';
import type { Sampler, SearchSpace } from '../sampler';
import type { TrialContext } from '../../trial/trial-context';
import { coldStarts, fitKernelParams } from './fit-kernel-params';
import { GpRegressor } from './gp-regressor';
import { GpInputEncoding } from './gp-input-encoding';
import { KernelLoss } from './kernel-loss';
import type { KernelParams } from './kernel-params';
import type { Acquisition } from './acquisition';
import { LogEiAcquisition } from './log-ei-acquisition';
import { QLogEiAcquisition } from './q-log-ei-acquisition';
import { optimizeAcquisition } from './optimize-acquisition';
import { warpObjectiveValues } from './warp-objective-values';
import { standardize } from './standardize';
import { multiObjectiveModel, multiObjectiveTrainingTrials } from './multi-objective-model';
import { constraintModels } from './constraint-models';
import { FeasibilityWeightedAcquisition } from './feasibility-weighted-acquisition';
import { isFeasible, totalViolation, trialConstraints } from '../../multi-objective/constraints';

export interface GpSamplerOptions {
  /** Seed of the generator; the same seed gives the same trials. @defaultValue a random seed */
  seed?: number;
  /** COMPLETE trials sampled by the independent sampler before the GP models the history. @defaultValue 10 */
  nStartupTrials?: number;
  /**
   * The objective returns the same value for the same parameters: the GP's noise is then fixed at its floor
   * (1e-6 of the standardized variance) instead of being fitted. @defaultValue false
   */
  deterministicObjective?: boolean;
  /**
   * Warp the objective values before the GP models them (as HEBO does): standardized, then the Yeo–Johnson
   * transform that makes them most normal (warpObjectiveValues), so that a long tail of bad values does not
   * drown the differences near the optimum. Measured (BENCHMARKS.md, "Parallel workers"): far better on the
   * steep polynomials of the validation suite (dixon_price4, powell4) and on most smooth problems, worse on
   * styblinski_tang5 (it settles in a side basin more often), so it is not the default yet.
   * @defaultValue false
   */
  outputWarping?: boolean;
  /**
   * Samples the start-up trials and the parameters outside the relative search space (conditional ones,
   * parameters met for the first time). @defaultValue a scrambled-Sobol QmcSampler seeded from `seed`
   */
  independentSampler?: Sampler;
  /**
   * Report a parameter sampled by the independent sampler once the GP is in use: `true` writes a console
   * warning, a function receives the message, `false` is silent. Each parameter is reported once.
   * @defaultValue true
   */
  warnIndependentSampling?: WarnIndependentSampling;
}

const GP_SAMPLER_OPTIONS: OptionNames<GpSamplerOptions> = {
  seed: true,
  nStartupTrials: true,
  deterministicObjective: true,
  outputWarping: true,
  independentSampler: true,
  warnIndependentSampling: true,
};

/**
 * The GP's noise variance never goes below this (in standardized units). Low enough that a deterministic objective
 * is resolved to ~1e-4 of its spread (the reference's 1e-6 stops at ~1e-3), high enough, with the jitter of the
 * Cholesky factorization, to keep C factorable.
 */
const MIN_NOISE = 1e-8;
/**
 * The GP is trained on at most this many trials: the best half and the most recent of the others. Its cost
 * grows as n³ (fitting) and n² per scored point, so long studies keep a bounded cost per ask.
 */
const MAX_TRAINING_TRIALS = 200;

/**
 * How the acquisition is maximized: the reference's local searches and tolerances, from half its 2048 Sobol
 * candidates (the local searches, not the candidates, find the optimum; the benchmark is unchanged and an ask at
 * 100 trials is ~7 ms cheaper).
 */
const ACQ = { nCandidates: 1024, nLocalSearch: 10, pgtol: 1e-2, maxIterations: 200 };
/**
 * How the kernel is fitted: projected-gradient tolerance, and iterations per start — to convergence from cold
 * starts, 10 from the previous fit, which is already close (hyper-parameters drift slowly from one trial to the
 * next, and the periodic cold restarts catch a jump).
 */
const FIT = { gtol: 1e-2, coldIterations: 200, warmIterations: 10 };
/** Every this many fits, the search also restarts from the cold starts, in case the warm start sits in a stale mode. */
const RESTART_EVERY = 10;

const COMPLETE: readonly TrialState[] = ['COMPLETE'];
/**
 * Samples of the pending points' values in q-EI (see QLogEiAcquisition). Each costs one EI evaluation per
 * scored point; the estimate is Rao–Blackwellized, so this many keep its noise well below what separates
 * candidates.
 */
const Q_SAMPLES = 64;
/**
 * Trials in flight that q-EI models, the most recent ones: beyond this many an ask would cost far more than the
 * model gains (each adds a row to the GP's factor and a dimension to the integral).
 */
const MAX_PENDING = 128;

/**
 * Gaussian-process Bayesian optimization (as Optuna's GPSampler). After `nStartupTrials` trials from the
 * independent sampler, each trial:
 *
 * 1. maps the COMPLETE trials into the relative search space (the parameters they all share): floats and
 *    ints to [0, 1] (log ones through their logarithm), categoricals to their index (see GpInputEncoding);
 * 2. standardizes their values (negated when minimizing, so that the GP always maximizes);
 * 3. fits a GP with a Matérn-5/2 kernel — one length scale per parameter (ARD), a Hamming distance for
 *    categoricals — a signal variance and a noise variance, by maximizing the marginal likelihood times
 *    priors on those (KernelLoss) with L-BFGS-B, from the previous trial's fit and from the defaults;
 * 4. maximizes log expected improvement over the best value seen (numerically stable far in the tail) from
 *    quasi-random candidates, refined by L-BFGS-B on the continuous parameters and a grid search on the
 *    discrete ones (optimizeAcquisition);
 * 5. returns that point, ints and stepped floats on their grids.
 *
 * The last fit is kept on the sampler to warm-start the next one. Studies longer than 200 trials train the
 * GP on the best 100 and the 100 most recent of the others, so that an ask keeps a bounded cost.
 *
 * Trials in flight — RUNNING, or WAITING with their parameters planned (a scheduler's batch) — are points
 * whose values are not known yet: the next point maximizes log q-EI, the expected improvement of the best of
 * them and it, integrated over their joint posterior (QLogEiAcquisition; greedy sequential selection of a
 * batch). They join the GP as exact observations without a refit (GpRegressor), and the asks of one batch
 * share one kernel fit. At most MAX_PENDING of them, the most recent, are modelled.
 *
 * Several objectives (with or without constraints, read from the trials' `constraints` attribute): one GP per
 * objective and per constraint, and the point maximizing log EHVI over the feasible front times the probability
 * that every constraint holds, in closed form (multiObjectiveModel, LogEhviAcquisition); trials in flight are
 * Kriging believers. One objective with constraints: one GP per constraint too, and log EI (or log q-EI) over the
 * best feasible trial plus the log probability that every constraint holds — before any trial is feasible, that
 * probability alone (FeasibilityWeightedAcquisition).
 */
export class GpSampler implements Sampler {
  private readonly rng: Rng;
  private readonly nStartupTrials: number;
  private readonly deterministic: boolean;
  private readonly warp: boolean;
  private readonly fallback: IndependentFallback;
  private readonly intersection = new CompleteTrialsIntersection();
  /**
   * Per modelled target ('objective:0', …, 'constraint:0', …): the last fit, for the next one to start from,
   * with the names of the parameters it was fitted on, and the number of fits so far.
   */
  private readonly fits = new Map<
    string,
    { key: string; data: string; params: KernelParams; count: number }
  >();

  constructor(options: GpSamplerOptions = {}) {
    if (options === null || typeof options !== 'object')
      throw new InvalidArgumentError('GpSampler options must be an object');
    checkKnownOptions('GpSampler', options, GP_SAMPLER_OPTIONS);
    const {
      seed,
      nStartupTrials = 10,
      deterministicObjective = false,
      independentSampler,
      warnIndependentSampling = true,
      outputWarping = false,
    } = options;
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
      throw new InvalidArgumentError(`seed must be a finite number, got ${String(seed)}`);
    }
    if (!Number.isInteger(nStartupTrials) || nStartupTrials < 0) {
      throw new InvalidArgumentError(`nStartupTrials must be an integer >= 0, got ${String(nStartupTrials)}`);
    }
    if (typeof deterministicObjective !== 'boolean') {
      throw new InvalidArgumentError(
        `deterministicObjective must be a boolean, got ${String(deterministicObjective)}`,
      );
    }
    if (typeof outputWarping !== 'boolean') {
      throw new InvalidArgumentError(`outputWarping must be a boolean, got ${String(outputWarping)}`);
    }
    this.warp = outputWarping;
    checkIndependentFallbackOptions(independentSampler, warnIndependentSampling);
    this.rng = createRng(seed);
    this.nStartupTrials = nStartupTrials;
    this.deterministic = deterministicObjective;
    this.fallback = new IndependentFallback({
      sampler:
        independentSampler ??
        new QmcSampler(seed === undefined ? {} : { seed: Math.floor(this.rng.random() * 2 ** 32) }),
      warn: warnIndependentSampling,
      modelInUse: (study) => study.getTrials(COMPLETE).length >= this.nStartupTrials,
      message: (name, trialNumber) =>
        `GpSampler: parameter '${name}' of trial ${trialNumber} is sampled by the independent sampler, ` +
        `because not every COMPLETE trial has it (conditional or new parameters are not modelled by the GP). ` +
        `Pass warnIndependentSampling: false to silence this.`,
    });
  }

  /** Called once per trial, at ask time, before anything else is sampled. */
  beforeTrial(study: StudyView, trial: TrialContext): void {
    this.fallback.sampler.beforeTrial?.(study, trial);
  }

  /** Called once per trial, at ask time: the parameters every COMPLETE trial has (single-valued ones left out). */
  inferRelativeSearchSpace(study: StudyView): SearchSpace {
    const space: SearchSpace = {};
    for (const [name, d] of Object.entries(this.intersection.calculate(study))) {
      if (!isSingleValued(d)) space[name] = d;
    }
    return space;
  }

  /**
   * Called once per trial, at ask time: fits the GP and returns the maximizer of log EI (after the start-up),
   * given the trials still running or planned (see `pendingPoints`).
   */
  sampleRelative(
    study: StudyView,
    trial: TrialContext,
    searchSpace: SearchSpace,
  ): Record<string, ParamValue> {
    if (Object.keys(searchSpace).length === 0) return {};
    const complete = study.getTrials(COMPLETE);
    if (complete.length < this.nStartupTrials) return {};
    const encoding = new GpInputEncoding(searchSpace);
    if (study.directions.length > 1) return this.sampleMultiObjective(study, trial, complete, encoding);
    const sign = study.direction === 'minimize' ? -1 : 1;
    const constrained = complete.some((t) => trialConstraints(t) !== null);
    const trials = trainingTrials(complete, sign);
    const n = trials.length;
    const x = new Float64Array(n * encoding.dim);
    trials.forEach((t, i) => encoding.encode(t.trial.params, x, i * encoding.dim));
    // Output warping maps the values monotonically (the best stays the best), so the selection above holds.
    if (this.warp) {
      const warped = warpObjectiveValues(
        trials.map((t) => t.trial.values![0]),
        study.direction,
      );
      trials.forEach((t, i) => (t.score = warped[i]));
    }
    const { y, mean, std, lo, hi } = standardize(trials.map((t) => t.score));
    // The GP's prior mean — its guess where there are no data — is the start-up trials' average: they fill the
    // space, so it estimates the average of f over the box. The average of all trials, which gather in good
    // regions as the search converges, would make every unexplored corner look promising.
    const startup = complete.slice(0, Math.max(1, Math.min(this.nStartupTrials, complete.length)));
    let startupMean = 0;
    if (this.warp) {
      // The start-up trials' warped scores (those in the training set: all of them unless it is capped).
      const first = new Set(startup.map((t) => t.number));
      const scores = trials.filter((t) => first.has(t.trial.number)).map((t) => t.score);
      for (const v of scores) startupMean += v / scores.length;
    } else {
      for (const t of startup)
        startupMean += Math.min(hi, Math.max(lo, sign * t.values![0])) / startup.length;
    }
    const priorMean = (startupMean - mean) / std;
    for (let i = 0; i < n; i++) y[i] -= priorMean;

    const params = this.fit('objective:0', study.studyId, encoding, trials, x, y);
    const pending = pendingPoints(study, trial.number, encoding);
    const gp = new GpRegressor(x, y, encoding.isCategorical, params, pending);
    // The incumbent is the best posterior mean at an observed point ("plug-in" EI): with a noiseless fit that is
    // the best value seen; with a noisy one, a lucky observation does not make every improvement look hopeless.
    // With constraints, the incumbent is the best feasible one (none before a trial is feasible).
    const fitted = new Float64Array(n);
    gp.predict(x, n, fitted, new Float64Array(n));
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (trials[i].feasible && (best < 0 || fitted[i] > fitted[best])) best = i;
    }
    let improvement: Acquisition | null = null;
    const nPending = gp.nPending;
    if (best >= 0 && nPending === 0) improvement = new LogEiAcquisition(gp, fitted[best]);
    else if (best >= 0) {
      const pendingMeans = new Float64Array(nPending);
      gp.predict(pending, nPending, pendingMeans, new Float64Array(nPending));
      const normals = normalPoints(Q_SAMPLES, nPending, Math.floor(this.rng.random() * 2 ** 32));
      improvement = new QLogEiAcquisition(gp, fitted[best], pendingMeans, normals);
    }
    const first = new Set(startup.map((t) => t.number));
    const constraints = constrained
      ? constraintModels(
          trials.map((t) => t.trial),
          trials.map((t) => first.has(t.trial.number)),
          encoding,
          x,
          pending,
          (target, values) => this.fit(target, study.studyId, encoding, trials, x, values),
        )
      : [];
    // Without constraints every trial is feasible, so there is an incumbent and an improvement.
    const acq =
      constraints.length > 0 || !improvement
        ? new FeasibilityWeightedAcquisition(improvement, constraints)
        : improvement;
    // Before any trial is feasible, the local searches start from the least violating one.
    if (best < 0) best = leastViolating(trials);
    const lengthscales = Float64Array.from(params.inverseSquaredLengthscales, (r) => 1 / Math.sqrt(r));
    const optimum = optimizeAcquisition(
      acq,
      encoding,
      lengthscales,
      [x.slice(best * encoding.dim, (best + 1) * encoding.dim)],
      {
        ...ACQ,
        rng: this.rng,
        unitPoints: (count, dim) => sobolPoints(count, dim, Math.floor(this.rng.random() * 2 ** 32)),
      },
    );
    return encoding.decode(optimum.x);
  }

  /** Called for each parameter outside the relative sample: the independent sampler's value. */
  sampleIndependent(
    study: StudyView,
    trial: TrialContext,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    return this.fallback.sampleIndependent(study, trial, name, distribution);
  }

  /** Called once per trial at tell time. */
  afterTrial(
    study: StudyView,
    trial: FrozenTrial,
    state: TrialState,
    values: readonly number[] | null,
  ): void {
    this.fallback.sampler.afterTrial?.(study, trial, state, values);
  }

  /**
   * The kernel's hyper-parameters for this training set: fitted from the previous fit (and, every
   * RESTART_EVERY fits, from cold starts too), or the previous fit itself when the training set has not
   * changed since — the asks of one batch see the same COMPLETE trials and differ only in their pending
   * points, which do not enter the likelihood, so a batch costs one fit.
   */
  private fit(
    target: string,
    studyId: number,
    encoding: GpInputEncoding,
    trials: readonly { trial: FrozenTrial }[] | readonly FrozenTrial[],
    x: Float64Array,
    y: Float64Array,
  ): KernelParams {
    const key = encoding.names.join('\u0000');
    const numbers = trials.map((t) => ('trial' in t ? t.trial.number : t.number));
    const data = `${studyId}:${numbers.join(',')}`;
    const cached = this.fits.get(target);
    if (cached?.key === key && cached.data === data) return cached.params;
    const warm = cached?.key === key ? cached.params : null;
    const count = cached?.count ?? 0;
    const cold = warm === null || count % RESTART_EVERY === 0;
    const loss = new KernelLoss(x, y, encoding.isCategorical, MIN_NOISE, this.deterministic);
    const params = fitKernelParams(loss, {
      starts: [...(warm ? [warm] : []), ...(cold ? coldStarts(encoding.dim) : [])],
      gtol: FIT.gtol,
      maxIterations: cold ? FIT.coldIterations : FIT.warmIterations,
    });
    this.fits.set(target, { key, data, params, count: count + 1 });
    return params;
  }

  /** The maximizer of log EHVI (with the constraints' probability of feasibility): see multiObjectiveModel. */
  private sampleMultiObjective(
    study: StudyView,
    trial: TrialContext,
    complete: readonly FrozenTrial[],
    encoding: GpInputEncoding,
  ): Record<string, ParamValue> {
    const trials = multiObjectiveTrainingTrials(complete, study.directions, MAX_TRAINING_TRIALS);
    const x = new Float64Array(trials.length * encoding.dim);
    trials.forEach((t, i) => encoding.encode(t.params, x, i * encoding.dim));
    const startup = new Set(complete.slice(0, Math.max(1, this.nStartupTrials)).map((t) => t.number));
    const model = multiObjectiveModel({
      trials,
      isStartup: trials.map((t) => startup.has(t.number)),
      directions: study.directions,
      encoding,
      x,
      pending: pendingPoints(study, trial.number, encoding),
      fit: (target, y) => this.fit(target, study.studyId, encoding, trials, x, y),
      rng: this.rng,
    });
    const optimum = optimizeAcquisition(model.acquisition, encoding, model.lengthscales, model.warmStarts, {
      ...ACQ,
      rng: this.rng,
      unitPoints: (count, dim) => sobolPoints(count, dim, Math.floor(this.rng.random() * 2 ** 32)),
    });
    return encoding.decode(optimum.x);
  }
}

/**
 * `count` × `dim` standard normal draws, row-major: a scrambled Sobol sequence through the normal quantile, so
 * that a few dozen samples cover the pending points' joint distribution evenly.
 */
function normalPoints(count: number, dim: number, seed: number): Float64Array {
  const u = sobolPoints(count, dim, seed);
  return u.map((v) => normalPpf(Math.min(1 - 1e-12, Math.max(1e-12, v))));
}

/** The first `count` points of a Sobol sequence scrambled with `seed`, row-major. */
function sobolPoints(count: number, dim: number, seed: number): Float64Array {
  const sequence = new SobolSequence(seed);
  const u = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) u[i * dim + j] = sequence.coordinate(i, j);
  return u;
}

const PENDING: readonly TrialState[] = ['RUNNING', 'WAITING'];

/**
 * The trials being evaluated or planned (RUNNING or WAITING, other than `current`) that have a value for every
 * parameter of the space, encoded as rows in trial order: the newest MAX_PENDING at most. A running trial whose parameters are not all sampled yet (or not
 * in this space) is left out: its place is not known.
 */
function pendingPoints(study: StudyView, current: number, encoding: GpInputEncoding): Float64Array {
  const rows: Float64Array[] = [];
  const inFlight = study.getTrials(PENDING);
  // From the newest, so that the cap keeps the most recent.
  for (let i = inFlight.length - 1; i >= 0 && rows.length < MAX_PENDING; i--) {
    const t = inFlight[i];
    if (t.number === current || !encoding.covers(t.params)) continue;
    const row = new Float64Array(encoding.dim);
    encoding.encode(t.params, row, 0);
    rows.push(row);
  }
  rows.reverse(); // back in trial order
  const out = new Float64Array(rows.length * encoding.dim);
  rows.forEach((row, i) => out.set(row, i * encoding.dim));
  return out;
}

function isSingleValued(d: Distribution): boolean {
  if (d.type === 'categorical') return d.choices.length === 1;
  return d.low === d.high;
}

/** The trials the GP learns from, with their scores (to maximize): all of them, or the capped selection. */
function trainingTrials(
  complete: readonly FrozenTrial[],
  sign: number,
): { trial: FrozenTrial; score: number; feasible: boolean }[] {
  const all = complete.map((trial) => ({
    trial,
    score: sign * trial.values![0],
    feasible: isFeasible(trial),
  }));
  if (all.length <= MAX_TRAINING_TRIALS) return all;
  const byScore = all
    .map((_, i) => i)
    .sort(
      (a, b) => Number(all[b].feasible) - Number(all[a].feasible) || all[b].score - all[a].score || a - b,
    );
  const keep = new Set(byScore.slice(0, MAX_TRAINING_TRIALS / 2));
  for (let i = all.length - 1; keep.size < MAX_TRAINING_TRIALS; i--) keep.add(i);
  return [...keep].sort((a, b) => a - b).map((i) => all[i]);
}

/** The index of the trial whose constraints are violated least (summed), the first on a tie. */
function leastViolating(trials: readonly { trial: FrozenTrial }[]): number {
  let best = 0;
  let least = Infinity;
  trials.forEach((t, i) => {
    const violation = totalViolation(t.trial);
    if (violation < least) [best, least] = [i, violation];
  });
  return best;
}
