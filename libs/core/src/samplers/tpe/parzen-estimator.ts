import type { Rng } from '../../random/rng';
import { binOf, fromModel, toModel, type Axis, type CategoricalAxis, type NumericAxis } from './axis';
import { erf } from '../../math/erfc';
import { logGaussMass, logPhi } from '../../math/log-gauss-mass';
import { normalCdf } from '../../math/normal-cdf';
import { ScratchPool } from './scratch-pool';
import { sampleTruncNorm } from './truncnorm';

/** How the kernels are shaped (TpeSampler passes its own options through). */
export interface ParzenEstimatorOptions {
  /** Weight of the prior kernel, in units of one observation's weight. */
  priorWeight: number;
  /** Floor each bandwidth at range / min(100, n + 2) instead of 1e-12. */
  considerMagicClip: boolean;
  /** Let the outermost observations use their distance to the bound (neighbour rule only). */
  considerEndpoints: boolean;
  /**
   * Bandwidth rule. false: each kernel's σ is the larger gap to its sorted neighbours (the prior's
   * centre counts as one), Optuna's independent TPE. true: one σ per axis for every kernel,
   * σ = bandwidthFactor · n^(-1/(D+4)) · range (Scott's rule shape; D = number of axes).
   */
  multivariate: boolean;
  /** The factor of the multivariate rule. @defaultValue 0.2 (Optuna's SIGMA0_MAGNITUDE) */
  bandwidthFactor?: number;
  /**
   * The weight a categorical kernel spreads over every choice, in units of priorWeight / (n + 1).
   * @defaultValue 1 (Optuna's kernel)
   */
  categoricalSmoothing?: number;
}

/** Smallest bandwidth without the magic clip. */
const EPS = 1e-12;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** ln 10^7: the kernels logPdf leaves out weigh less than 1e-7 of the density together. */
const LOG_PRECISION = Math.log(1e7);
/** Beyond 9σ from both bounds, log Z = log(1 - 2Φ(-9)) rounds to 0. */
const FAR = 9;
/**
 * -log Z is at most -log(Φ(1) - 1/2) = 1.0752... for every kernel here: its centre lies in [low, high]
 * and σ <= high - low, so [a, b] holds 0 and is at least 1 wide.
 */
const Z_BOUND = -Math.log(0.5 * erf(Math.SQRT1_2));

interface NumericPart {
  readonly kind: 'numerical';
  readonly axis: NumericAxis;
  readonly d: number;
  readonly discrete: boolean;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** 1/σ per kernel. */
  readonly inv: Float64Array;
  /** -log σ - log √(2π) per kernel. */
  readonly coef: Float64Array;
  /** log Z = log(Φ(b) - Φ(a)) per kernel, computed when first needed (NaN until then). */
  readonly logZ: Float64Array;
}

interface CategoricalPart {
  readonly kind: 'categorical';
  readonly axis: CategoricalAxis;
  readonly d: number;
  /** Observed choice index of each observation kernel. */
  readonly obs: Int32Array;
  /** Probability an observation kernel gives its own choice, and each other choice. */
  readonly pHit: number;
  readonly pMiss: number;
  readonly logHit: number;
  readonly logMiss: number;
}

/**
 * A Parzen estimator (Optuna's `_ParzenEstimator`): a weighted mixture of product kernels, one per
 * observation plus a prior kernel, over the model space of its axes (see axis.ts):
 *
 *   p(x) = Σ_k w_k Π_d K_kd(x_d),   w = (w_1..w_n, priorWeight) / Σ
 *
 * - numerical axis: K_kd = N(μ_kd, σ_kd²) truncated to [low, high]; a discrete axis takes the mass of
 *   the value's bin. The prior kernel is N(centre, range²). Bandwidths follow `multivariate`, then are
 *   clipped to [range / min(100, n + 2) (magic clip) or 1e-12, range].
 * - categorical axis: kernel k puts weight a + 1 on its observed choice and
 *   a = categoricalSmoothing · priorWeight / (n + 1) on every choice, normalised; the prior kernel is uniform.
 *
 * Observations come in model space (log already applied). Samples and `logPdf` inputs are internal
 * values (a categorical's index, an int on its grid). Working memory comes from `pool`, so the
 * estimator must be dropped before the pool is reset. With a single axis, identical kernels are
 * merged and, when the centres come sorted (the sampler keeps them so), logPdf looks only near x.
 */
export class ParzenEstimator {
  /** Observation kernels; kernel `nObservations` (the last) is the prior. */
  readonly nObservations: number;
  readonly nKernels: number;
  /** log w_k, normalised. */
  readonly logWeights: Float64Array;
  private readonly cumWeights: Float64Array;
  private readonly numeric: NumericPart[] = [];
  private readonly discrete: NumericPart[] = [];
  private readonly categorical: CategoricalPart[] = [];
  /** Every axis's part, in axis order. */
  private readonly byAxis: (NumericPart | CategoricalPart)[] = [];
  /** log w_k, where each kernel's log density bound starts. */
  private readonly base: Float64Array;
  /** Numeric axes in axis order. */
  private readonly numericAll: NumericPart[] = [];
  /** Axes in the order logPdf sums them: continuous, then categorical, then discrete. */
  private readonly passes: (NumericPart | CategoricalPart)[];
  /** remaining[p]: the most that passes p, p + 1, ... can add to a kernel's bound. */
  private readonly remaining: Float64Array;
  /** Whether every observation kernel has the same σ on each continuous axis (the multivariate rule). */
  private readonly sharedSigma: boolean;
  /** One numerical axis with sorted centres: logPdf looks only at the kernels near x (see `windowLogPdf`). */
  private readonly window: Window | null;

  constructor(
    readonly axes: readonly Axis[],
    observations: readonly Float64Array[],
    weights: ArrayLike<number>,
    options: ParzenEstimatorOptions,
    private readonly pool: ScratchPool = new ScratchPool(),
  ) {
    if (observations.length !== axes.length) {
      throw new RangeError(
        `ParzenEstimator: ${axes.length} axes but ${observations.length} observation columns`,
      );
    }
    const n0 = axes.length > 0 ? observations[0].length : 0;
    if (weights.length !== n0)
      throw new RangeError(`ParzenEstimator: ${n0} observations but ${weights.length} weights`);
    let parts = axes.map((axis, d) =>
      axis.kind === 'categorical'
        ? categoricalPart(
            axis,
            d,
            observations[d],
            options.priorWeight * (options.categoricalSmoothing ?? 1),
            pool,
          )
        : numericPart(axis, d, observations[d], axes.length, options, pool),
    );
    // One axis: identical kernels (repeated ints, choices) merge into one carrying their total weight.
    let n = n0;
    let kernelWeights: ArrayLike<number> = weights;
    if (parts.length === 1 && n0 > 1) {
      const merged = mergeIdenticalKernels(parts[0], weights, pool);
      if (merged) {
        parts = [merged.part];
        kernelWeights = merged.weights;
        n = merged.weights.length;
      }
    }
    this.nObservations = n;
    const K = n + 1;
    this.nKernels = K;

    // Mixture weights: the observations' weights and the prior's, normalised (the prior alone if n = 0).
    this.logWeights = pool.float(K);
    this.cumWeights = pool.float(K);
    let total = n === 0 ? 1 : options.priorWeight;
    for (let k = 0; k < n; k++) total += kernelWeights[k];
    if (!(total > 0) || !Number.isFinite(total)) {
      throw new RangeError(
        `ParzenEstimator: the kernel weights must have a positive finite sum, got ${total}`,
      );
    }
    let cum = 0;
    for (let k = 0; k < K; k++) {
      const w = k < n ? kernelWeights[k] : n === 0 ? 1 : options.priorWeight;
      this.logWeights[k] = Math.log(w / total);
      cum += w / total;
      this.cumWeights[k] = cum;
    }
    this.base = pool.float(K);
    this.base.set(this.logWeights);

    for (const part of parts) {
      this.byAxis.push(part);
      if (part.kind === 'categorical') {
        this.categorical.push(part);
        continue;
      }
      this.numericAll.push(part);
      if (part.discrete) this.discrete.push(part);
      else this.numeric.push(part);
    }
    this.passes = [...this.numeric, ...this.categorical, ...this.discrete];
    this.sharedSigma = this.numeric.every((p) => p.sigmas.subarray(0, n).every((v) => v === p.sigmas[0]));
    this.remaining = new Float64Array(this.passes.length + 1);
    for (let p = this.passes.length - 1; p >= 0; p--)
      this.remaining[p] = this.remaining[p + 1] + maxBound(this.passes[p]);
    this.window =
      this.byAxis.length === 1 && n >= 64 ? buildWindow(this.byAxis[0], this.logWeights, n) : null;
  }

  /** The kernels' centres on numerical axis `d` (model space; the prior's last). Do not mutate. */
  mus(d: number): Float64Array {
    return this.numericPart(d).mus;
  }

  /** The kernels' bandwidths on numerical axis `d` (the prior's last). Do not mutate. */
  sigmas(d: number): Float64Array {
    return this.numericPart(d).sigmas;
  }

  /** Normalised kernel weights (the prior's last). */
  weights(): Float64Array {
    return this.logWeights.map(Math.exp);
  }

  /**
   * `size` draws from the mixture, one column of internal values per axis: a kernel k ~ w, then each
   * axis from that kernel (numerical: inverse-CDF truncated normal, snapped to the grid).
   */
  sample(rng: Rng, size: number): Float64Array[] {
    const K = this.nKernels;
    const ks = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const u = rng.random();
      let lo = 0;
      let hi = K - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.cumWeights[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      ks[i] = lo;
    }
    const out = this.axes.map(() => new Float64Array(size));
    for (const part of this.byAxis) {
      const col = out[part.d];
      if (part.kind === 'numerical') {
        const { axis, mus, sigmas } = part;
        for (let i = 0; i < size; i++) {
          const k = ks[i];
          col[i] = fromModel(axis, sampleTruncNorm(rng.random(), mus[k], sigmas[k], axis.low, axis.high));
        }
        continue;
      }
      const C = part.axis.nChoices;
      for (let i = 0; i < size; i++) {
        const k = ks[i];
        const u = rng.random();
        if (k >= this.nObservations) {
          col[i] = Math.min(C - 1, Math.floor(u * C));
        } else if (u < part.pHit || C === 1) {
          col[i] = part.obs[k];
        } else {
          // One of the C - 1 other choices, evenly.
          const j = Math.min(C - 2, Math.floor((u - part.pHit) / part.pMiss));
          col[i] = j < part.obs[k] ? j : j + 1;
        }
      }
    }
    return out;
  }

  /**
   * log p(x) for each sample (columns of internal values, one per axis, as `sample` returns).
   *
   * The terms are summed axis by axis over the kernels still in play, as upper bounds: the exact
   * -z²/2 and categorical terms, Z_BOUND for each -log Z, and for a bin [lo, hi] the bound
   * min(0, log((hi - lo) φ(d/σ)/σ)), d the distance from μ to the bin. After each axis, the exact
   * value of the kernel with the best partial bound is a lower bound L of the largest term, and a
   * kernel whose bound plus the best the remaining axes can add stays below L - cut leaves play:
   * with cut = ln K + ln 10^7, the kernels left out weigh less than 1e-7 of p(x) together. Only the
   * kernels that stay pay for their normalisers and bin masses.
   */
  logPdf(samples: readonly ArrayLike<number>[]): Float64Array {
    if (this.window) return this.windowLogPdf(this.window, samples[0]);
    const size = samples.length > 0 ? samples[0].length : 0;
    const out = new Float64Array(size);
    const K = this.nKernels;
    const cut = Math.log(K) + LOG_PRECISION;
    const acc = this.pool.float(K);
    const active = this.pool.int(K);
    const D = this.byAxis.length;
    const x = new Float64Array(D);
    const lo = new Float64Array(D);
    const hi = new Float64Array(D);
    const passes = this.passes;
    for (let j = 0; j < size; j++) {
      for (const part of this.byAxis) {
        const v = samples[part.d][j];
        if (part.kind === 'numerical') {
          x[part.d] = toModel(part.axis, v);
          if (part.discrete) [lo[part.d], hi[part.d]] = binOf(part.axis, v);
        } else {
          x[part.d] = v;
        }
      }
      // Continuous axes first, over every kernel in one sweep (no pruning yet).
      let best = this.sumContinuous(x, acc);
      let lower = this.kernelLogDensity(best, x, lo, hi);
      let nActive = 0;
      const first = this.numeric.length;
      const entry = lower - cut - this.remaining[first];
      for (let k = 0; k < K; k++) if (acc[k] >= entry) active[nActive++] = k;
      for (let p = first; p < passes.length; p++) {
        // A kernel whose bound so far plus the most the passes left can add is below lower - cut is out.
        const threshold = lower - cut - this.remaining[p];
        const part = passes[p];
        best =
          part.kind === 'categorical'
            ? this.addCategorical(part, x[part.d], acc, active, nActive, threshold)
            : this.addDiscrete(part, lo[part.d], hi[part.d], acc, active, nActive, threshold);
        nActive = this.kept;
        // The exact value of the best bound so far is a lower bound of the largest term.
        if (best >= 0) lower = Math.max(lower, this.kernelLogDensity(best, x, lo, hi));
      }
      // The kernels left: exact terms, then log Σ e^v relative to the largest.
      const threshold = lower - cut;
      let max = -Infinity;
      let kept = 0;
      for (let i = 0; i < nActive; i++) {
        const k = active[i];
        if (acc[k] < threshold) continue;
        acc[k] = this.exactFromBound(acc[k], k, lo, hi);
        if (acc[k] > max) max = acc[k];
        active[kept++] = k;
      }
      out[j] = logSumExpOf(acc, active, kept, max);
    }
    return out;
  }

  /**
   * logPdf of a single numerical axis whose kernel centres are sorted: the exact value L of the
   * kernels next to x bounds the largest term from below, and a narrow kernel (σ <= 4 σ_min) at
   * distance d from x adds at most e^(W + C - d²/(2 σ_narrow²)) (W, C: the largest log weight and
   * -log σ - log √(2π) among them), so only those within the radius where that reaches L - cut are
   * summed, found by binary search; the wide kernels and the prior are always summed.
   */
  private windowLogPdf(win: Window, values: ArrayLike<number>): Float64Array {
    const part = win.part;
    const size = values.length;
    const out = new Float64Array(size);
    const n = this.nObservations;
    const cut = Math.log(this.nKernels) + LOG_PRECISION;
    const { mus } = part;
    const x = new Float64Array(1);
    const lo = new Float64Array(1);
    const hi = new Float64Array(1);
    const terms = this.pool.float(this.nKernels);
    for (let j = 0; j < size; j++) {
      x[0] = toModel(part.axis, values[j]);
      if (part.discrete) [lo[0], hi[0]] = binOf(part.axis, values[j]);
      const left = part.discrete ? lo[0] : x[0];
      const right = part.discrete ? hi[0] : x[0];
      // The kernels on either side of x, and the prior, give the lower bound.
      const i = lowerBound(mus, n, left);
      let lower = this.kernelLogDensity(n, x, lo, hi);
      if (i < n) lower = Math.max(lower, this.kernelLogDensity(i, x, lo, hi));
      if (i > 0) lower = Math.max(lower, this.kernelLogDensity(i - 1, x, lo, hi));
      const s = lower - cut - win.maxLogWeight - Z_BOUND;
      // Keep d where C - d²/(2σ²) >= s; a bin's bound is min(0, log width + C - d²/(2σ²)) + Z_BOUND.
      const a = part.discrete ? Math.log(hi[0] - lo[0]) + win.maxCoef : win.maxCoef;
      const radius = a > s && !(part.discrete && s > 0) ? win.sigma * Math.sqrt(2 * (a - s)) : 0;
      const from = lowerBound(mus, n, left - radius);
      const to = lowerBound(mus, n, right + radius + Number.MIN_VALUE);
      let count = 0;
      let max = -Infinity;
      const add = (k: number) => {
        const v = this.kernelLogDensity(k, x, lo, hi);
        terms[count++] = v;
        if (v > max) max = v;
      };
      for (let k = from; k < to; k++) if (!win.wide[k]) add(k);
      for (const k of win.wideList) add(k);
      add(n);
      if (max === -Infinity || Number.isNaN(max)) {
        out[j] = max;
        continue;
      }
      let sum = 0;
      for (let t = 0; t < count; t++) sum += Math.exp(terms[t] - max);
      out[j] = max + Math.log(sum);
    }
    return out;
  }

  /** Kernels kept by the last add* pass. */
  private kept = 0;

  // The add* passes: drop the kernels below `threshold`, add the axis's bound term to the others,
  // compact `active`, and return the kernel with the best bound (or -1 when none is left).

  /**
   * acc[k] = log w_k + the continuous axes' bound terms, for every kernel; returns the kernel with the
   * largest (one sweep per axis over contiguous arrays, the bandwidth hoisted out of the loop when
   * every observation kernel shares it, as in the multivariate rule).
   */
  private sumContinuous(x: Float64Array, acc: Float64Array): number {
    const K = this.nKernels;
    const n = this.nObservations;
    const parts = this.numeric;
    acc.set(this.base);
    for (const p of parts) {
      const xd = x[p.d];
      const { mus, inv, coef } = p;
      if (this.sharedSigma) {
        // One σ for every observation kernel: hoist it out of the loop.
        const iv = inv[0];
        const c = coef[0] + Z_BOUND;
        for (let k = 0; k < n; k++) {
          const z = (xd - mus[k]) * iv;
          acc[k] += c - 0.5 * z * z;
        }
        const z = (xd - mus[n]) * inv[n];
        acc[n] += coef[n] + Z_BOUND - 0.5 * z * z;
      } else {
        for (let k = 0; k < K; k++) {
          const z = (xd - mus[k]) * inv[k];
          acc[k] += coef[k] + Z_BOUND - 0.5 * z * z;
        }
      }
    }
    let best = 0;
    for (let k = 1; k < K; k++) if (acc[k] > acc[best]) best = k;
    return best;
  }

  private addDiscrete(
    part: NumericPart,
    l: number,
    h: number,
    acc: Float64Array,
    active: Int32Array,
    nActive: number,
    threshold: number,
  ): number {
    const { mus, inv, coef } = part;
    const logWidth = Math.log(h - l);
    let kept = 0;
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < nActive; i++) {
      const k = active[i];
      if (acc[k] < threshold) continue;
      const v = acc[k] + binBound(l, h, logWidth, mus[k], inv[k], coef[k]);
      acc[k] = v;
      active[kept++] = k;
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    this.kept = kept;
    return best;
  }

  private addCategorical(
    part: CategoricalPart,
    c: number,
    acc: Float64Array,
    active: Int32Array,
    nActive: number,
    threshold: number,
  ): number {
    const { obs, logHit, logMiss } = part;
    const n = this.nObservations;
    const logPrior = -Math.log(part.axis.nChoices);
    let kept = 0;
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < nActive; i++) {
      const k = active[i];
      if (acc[k] < threshold) continue;
      const v = acc[k] + (k === n ? logPrior : obs[k] === c ? logHit : logMiss);
      acc[k] = v;
      active[kept++] = k;
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    this.kept = kept;
    return best;
  }

  /** log Z of kernel k on a numerical axis, computed once. */
  private logZ(part: NumericPart, k: number): number {
    let v = part.logZ[k];
    if (Number.isNaN(v)) {
      v = logNormaliser(part.mus[k], part.sigmas[k], part.axis.low, part.axis.high);
      part.logZ[k] = v;
    }
    return v;
  }

  /** The exact log density term of kernel k: log w_k + Σ_axes log K_kd(x_d). */
  private kernelLogDensity(k: number, x: Float64Array, lo: Float64Array, hi: Float64Array): number {
    let v = this.logWeights[k];
    for (const part of this.byAxis) {
      if (part.kind === 'categorical') {
        v +=
          k === this.nObservations
            ? -Math.log(part.axis.nChoices)
            : part.obs[k] === x[part.d]
              ? part.logHit
              : part.logMiss;
      } else if (part.discrete) {
        v += logBinMass(lo[part.d], hi[part.d], part.mus[k], part.sigmas[k]) - this.logZ(part, k);
      } else {
        const z = (x[part.d] - part.mus[k]) * part.inv[k];
        v += part.coef[k] - this.logZ(part, k) - 0.5 * z * z;
      }
    }
    return v;
  }

  /** Kernel k's exact log density from its full bound: each numeric axis's bound terms replaced. */
  private exactFromBound(bound: number, k: number, lo: Float64Array, hi: Float64Array): number {
    let v = bound;
    for (const part of this.numericAll) {
      const logZ = this.logZ(part, k);
      if (part.discrete) {
        const l = lo[part.d];
        const h = hi[part.d];
        v += logBinMass(l, h, part.mus[k], part.sigmas[k]) - logZ;
        v -= binBound(l, h, Math.log(h - l), part.mus[k], part.inv[k], part.coef[k]);
      } else {
        v -= Z_BOUND + logZ;
      }
    }
    return v;
  }

  private numericPart(d: number): NumericPart {
    const part = this.byAxis[d];
    if (!part || part.kind !== 'numerical') throw new RangeError(`axis ${d} is not numerical`);
    return part;
  }
}

/**
 * An upper bound of log(mass of [lo, hi] / Z) for the kernel N(μ, σ²): the density is at most
 * φ(d/σ)/σ on the bin (d = distance from μ to it) and the mass at most 1; -log Z <= Z_BOUND.
 * `coef` is -log σ - log √(2π).
 */
function binBound(lo: number, hi: number, logWidth: number, mu: number, inv: number, coef: number): number {
  const d = lo > mu ? lo - mu : mu > hi ? mu - hi : 0;
  const z = d * inv;
  const t = logWidth + coef - 0.5 * z * z;
  return (t < 0 ? t : 0) + Z_BOUND;
}

/** The largest bound term an axis can add to any kernel. */
function maxBound(part: NumericPart | CategoricalPart): number {
  if (part.kind === 'categorical') return Math.max(part.logHit, -Math.log(part.axis.nChoices));
  if (part.discrete) return Z_BOUND;
  let m = -Infinity;
  for (let k = 0; k < part.coef.length; k++) if (part.coef[k] > m) m = part.coef[k];
  return m + Z_BOUND;
}

/** log Σ e^(v_k) over the kernels listed in `idx[0..count)`, whose largest value is `max`. */
function logSumExpOf(v: Float64Array, idx: Int32Array, count: number, max: number): number {
  if (max === -Infinity || Number.isNaN(max)) return max;
  if (max === Infinity) return Infinity;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += Math.exp(v[idx[i]] - max);
  return max + Math.log(sum);
}

/**
 * log of the N(μ, σ²) mass of the bin [lo, hi]. A bin much narrower than σ uses the midpoint rule
 * log(w φ(z_mid)) (relative error w² (z² - 1) / 24 < 1e-8 where it is used); a bin within 6σ of μ
 * the difference of two Φ taken on its own side of μ; farther ones the log-space tail formulas.
 */
function logBinMass(lo: number, hi: number, mu: number, sigma: number): number {
  const zl = (lo - mu) / sigma;
  const zu = (hi - mu) / sigma;
  const w = zu - zl;
  if (w < 1e-4) return Math.log(w) + logPhi(0.5 * (zl + zu));
  if (zu <= 0 && zl > -6) return Math.log(normalCdf(zu) - normalCdf(zl));
  if (zl >= 0 && zu < 6) return Math.log(normalCdf(-zl) - normalCdf(-zu));
  return logGaussMass(zl, zu);
}

/** log Z = log(Φ(b) - Φ(a)) of a kernel on [low, high], with the shortcut far from both bounds. */
function logNormaliser(mu: number, sigma: number, low: number, high: number): number {
  const a = (low - mu) / sigma;
  const b = (high - mu) / sigma;
  if (a < -FAR && b > FAR) return 0;
  return logGaussMass(a, b);
}

function numericPart(
  axis: NumericAxis,
  d: number,
  obs: Float64Array,
  nAxes: number,
  options: ParzenEstimatorOptions,
  pool: ScratchPool,
): NumericPart {
  const n = obs.length;
  const K = n + 1;
  const { low, high } = axis;
  const range = high - low;
  const mus = pool.float(K);
  mus.set(obs);
  mus[n] = 0.5 * (low + high);
  const sigmas = pool.float(K);
  if (options.multivariate) {
    // σ = factor · n^(-1/(D+4)) · range, the same for every observation kernel.
    sigmas.fill((options.bandwidthFactor ?? 0.2) * Math.max(n, 1) ** (-1 / (nAxes + 4)) * range, 0, n);
  } else {
    neighbourSigmas(obs, mus[n], low, high, options.considerEndpoints, sigmas, pool);
  }
  // Magic clip: no kernel narrower than range / min(100, n + 2) (n + 1 kernels with the prior, + 1).
  const minSigma = options.considerMagicClip ? range / Math.min(100, n + 2) : EPS;
  for (let k = 0; k < n; k++) sigmas[k] = Math.min(range, Math.max(minSigma, sigmas[k]));
  sigmas[n] = range;

  const discrete = axis.step !== null;
  const inv = pool.float(K);
  const coef = pool.float(K);
  const logZ = pool.float(K).fill(NaN);
  for (let k = 0; k < K; k++) {
    inv[k] = 1 / sigmas[k];
    coef[k] = -Math.log(sigmas[k]) - LOG_SQRT_2PI;
  }
  return { kind: 'numerical', axis, d, discrete, mus, sigmas, inv, coef, logZ };
}

/**
 * The neighbour rule: sort the observations together with the prior's centre, pad with low and high,
 * and give each observation σ = max(gap to the left, gap to the right). Without `considerEndpoints`
 * the first and last of the sorted sequence use their inner gap only. The prior's own σ is set later.
 * Observations already sorted (the sampler keeps them so) skip the sort.
 */
function neighbourSigmas(
  obs: Float64Array,
  priorMu: number,
  low: number,
  high: number,
  considerEndpoints: boolean,
  out: Float64Array,
  pool: ScratchPool,
): void {
  const n = obs.length;
  if (n === 0) return;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = obs[i] >= obs[i - 1];
  let order: Int32Array | null = null;
  if (!sorted) {
    order = pool.int(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => obs[a] - obs[b] || a - b);
  }
  const at = (i: number) => (order ? obs[order[i]] : obs[i]);
  // The prior's centre goes after the observations equal to it.
  let p = 0;
  let q = n;
  while (p < q) {
    const mid = (p + q) >> 1;
    if (at(mid) <= priorMu) p = mid + 1;
    else q = mid;
  }
  // Sequence s_0..s_n (n observations and the prior at position p), then low/high around it.
  const seq = (i: number) => (i < p ? at(i) : i === p ? priorMu : at(i - 1));
  const K = n + 1;
  for (let i = 0; i < K; i++) {
    if (i === p) continue;
    const s = seq(i);
    let sigma: number;
    if (!considerEndpoints && i === 0) sigma = seq(1) - s;
    else if (!considerEndpoints && i === K - 1) sigma = s - seq(K - 2);
    else sigma = Math.max(s - (i > 0 ? seq(i - 1) : low), (i < K - 1 ? seq(i + 1) : high) - s);
    const idx = i < p ? i : i - 1;
    out[order ? order[idx] : idx] = sigma;
  }
}

/** What `windowLogPdf` needs of a single sorted numerical axis. */
interface Window {
  readonly part: NumericPart;
  /** Per observation kernel: 1 when σ > 4 σ_min (summed always, not through the window). */
  readonly wide: Uint8Array;
  readonly wideList: Int32Array;
  /** The largest σ, log weight and -log σ - log √(2π) among the narrow kernels. */
  readonly sigma: number;
  readonly maxLogWeight: number;
  readonly maxCoef: number;
}

/** The window structure of a single numerical axis, or null when its centres are not sorted. */
function buildWindow(
  part: NumericPart | CategoricalPart,
  logWeights: Float64Array,
  n: number,
): Window | null {
  if (part.kind !== 'numerical') return null;
  const { mus, sigmas, coef } = part;
  let minSigma = Infinity;
  for (let k = 0; k < n; k++) {
    if (k > 0 && mus[k] < mus[k - 1]) return null;
    if (sigmas[k] < minSigma) minSigma = sigmas[k];
  }
  const wide = new Uint8Array(n);
  const wideList: number[] = [];
  let sigma = 0;
  let maxLogWeight = -Infinity;
  let maxCoef = -Infinity;
  for (let k = 0; k < n; k++) {
    if (sigmas[k] > 4 * minSigma) {
      wide[k] = 1;
      wideList.push(k);
      continue;
    }
    if (sigmas[k] > sigma) sigma = sigmas[k];
    if (logWeights[k] > maxLogWeight) maxLogWeight = logWeights[k];
    if (coef[k] > maxCoef) maxCoef = coef[k];
  }
  return { part, wide, wideList: Int32Array.from(wideList), sigma, maxLogWeight, maxCoef };
}

/** The first index in sorted `a[0..n)` whose value is >= x (n when none is). */
function lowerBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Merges the kernels of a single axis that are identical — same centre and bandwidth (consecutive in
 * sorted order), or same choice — into one carrying their summed weight. The mixture is unchanged; a
 * history of 10 000 trials over 100 integers then has at most a few hundred kernels. Null when fewer
 * than a quarter of the kernels would go.
 */
function mergeIdenticalKernels(
  part: NumericPart | CategoricalPart,
  weights: ArrayLike<number>,
  pool: ScratchPool,
): { part: NumericPart | CategoricalPart; weights: Float64Array } | null {
  const n = weights.length;
  if (part.kind === 'categorical') {
    const C = part.axis.nChoices;
    const sums = new Float64Array(C);
    const seen = new Uint8Array(C);
    for (let k = 0; k < n; k++) {
      sums[part.obs[k]] += weights[k];
      seen[part.obs[k]] = 1;
    }
    let m = 0;
    for (let c = 0; c < C; c++) m += seen[c];
    if (m > 0.75 * n) return null;
    const obs = pool.int(m);
    const merged = pool.float(m);
    let i = 0;
    for (let c = 0; c < C; c++) {
      if (!seen[c]) continue;
      obs[i] = c;
      merged[i++] = sums[c];
    }
    return { part: { ...part, obs }, weights: merged };
  }
  const { mus, sigmas } = part;
  let m = 1;
  for (let k = 1; k < n; k++) if (mus[k] !== mus[k - 1] || sigmas[k] !== sigmas[k - 1]) m++;
  if (m > 0.75 * n) return null;
  const K = m + 1;
  const out = {
    ...part,
    mus: pool.float(K),
    sigmas: pool.float(K),
    inv: pool.float(K),
    coef: pool.float(K),
    logZ: pool.float(K).fill(NaN),
  };
  const merged = pool.float(m);
  let j = -1;
  for (let k = 0; k <= n; k++) {
    // The prior (k = n) is never merged.
    if (k === 0 || k === n || mus[k] !== mus[k - 1] || sigmas[k] !== sigmas[k - 1]) {
      j++;
      out.mus[j] = mus[k];
      out.sigmas[j] = sigmas[k];
      out.inv[j] = part.inv[k];
      out.coef[j] = part.coef[k];
      out.logZ[j] = part.logZ[k];
    }
    if (k < n) merged[j] += weights[k];
  }
  return { part: out, weights: merged };
}

function categoricalPart(
  axis: CategoricalAxis,
  d: number,
  obs: Float64Array,
  smoothing: number,
  pool: ScratchPool,
): CategoricalPart {
  const n = obs.length;
  const C = axis.nChoices;
  const idx = pool.int(n);
  for (let k = 0; k < n; k++) idx[k] = obs[k];
  // Row k: a everywhere plus 1 on the observed choice, divided by the row sum 1 + a C.
  const a = smoothing / (n + 1);
  const sum = 1 + a * C;
  const pHit = (1 + a) / sum;
  const pMiss = a / sum;
  return {
    kind: 'categorical',
    axis,
    d,
    obs: idx,
    pHit,
    pMiss,
    logHit: Math.log(pHit),
    logMiss: Math.log(pMiss),
  };
}
