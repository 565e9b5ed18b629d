import { InvalidArgumentError } from '../../errors';
import { normalCdf } from '../../math/normal-cdf';
import { normalPpf } from '../../math/normal-ppf';
import { symmetricEigen } from '../../math/symmetric-eigen';
import type { Rng } from '../../random/rng';
import { DiscreteAxis, type DiscreteAxisSpec } from './discrete-axis';

/*
 * CMA-ES, the covariance matrix adaptation evolution strategy, with an ask-and-tell interface.
 * Equation numbers refer to N. Hansen, "The CMA Evolution Strategy: A Tutorial" (arXiv:1604.00772):
 * x_k ~ m + σ N(0, C) (eq. 38), weighted recombination of the best μ (eq. 39–42), cumulative step-size
 * adaptation (eq. 43–44), rank-one and rank-μ covariance update with negative weights (eq. 45–47),
 * default constants (eq. 48–56). `separable` is sep-CMA (R. Ros, N. Hansen, PPSN 2008): C diagonal,
 * learning rates raised by (n + 2)/3. Discrete coordinates use CMA-ES with Margin (R. Hamano et al.,
 * GECCO 2022, arXiv:2205.13482), which keeps the probability of leaving the current integer at least
 * α, so that integer parameters never stall. Stopping rules are those of the `cmaes` package.
 */

const EPS = 1e-8;
const MEAN_MAX = 1e32;
const SIGMA_MAX = 1e32;
const TOLX_UP = 1e4;
const TOL_FUN = 1e-12;
const TOL_CONDITION_COV = 1e14;

export interface CmaOptions {
  /** Initial mean m⁽⁰⁾. */
  mean: ArrayLike<number>;
  /** Initial step size σ⁽⁰⁾ > 0. */
  sigma: number;
  /**
   * Box constraints: a sample outside is drawn again (up to `nMaxResampling` times), then clipped.
   * `null` (or ±Infinity) leaves a coordinate free. @defaultValue no bounds
   */
  lower?: ArrayLike<number | null>;
  upper?: ArrayLike<number | null>;
  /** λ, the population size. @defaultValue 4 + ⌊3 ln n⌋ (eq. 48) */
  popsize?: number;
  /** Diagonal covariance (sep-CMA). @defaultValue false */
  separable?: boolean;
  /** Draws before a sample outside the box is clipped. @defaultValue 10 n */
  nMaxResampling?: number;
  /** Discrete coordinates (CMA-ES with Margin); `null` for continuous ones. @defaultValue all continuous */
  discrete?: readonly (DiscreteAxisSpec | null)[];
  /** α, the least probability of leaving the current discrete value. @defaultValue 1 / (n λ) */
  margin?: number;
}

/** The whole state of a Cma as plain JSON (strategy constants are recomputed from dim, popsize, separable). */
export interface CmaState {
  version: 1;
  separable: boolean;
  dim: number;
  popsize: number;
  mean: number[];
  sigma: number;
  /** Full: the upper triangle of C, row by row (n(n+1)/2 numbers); separable: the diagonal of C. */
  cov: number[];
  pSigma: number[];
  pc: number[];
  generation: number;
  tolx: number;
  /** Best and worst value of the last generations (a ring); null where not yet written. */
  funhist: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
  nMaxResampling: number;
  discrete: (DiscreteAxisSpec | null)[];
  margin: number;
  /** The margin's per-coordinate scaling A (1 for continuous coordinates). */
  scaling: number[];
}

/** One evaluated sample: the raw x that `ask` returned and its objective value (minimized). */
export interface CmaSolution {
  x: ArrayLike<number>;
  value: number;
}

/** A sample: `x` is what `tell` wants back; `encoded` has its discrete coordinates moved onto their values. */
export interface CmaSample {
  x: Float64Array;
  encoded: Float64Array;
}

interface Constants {
  mu: number;
  weights: Float64Array;
  muEff: number;
  c1: number;
  cmu: number;
  cc: number;
  cSigma: number;
  dSigma: number;
  chiN: number;
  funhistTerm: number;
}

function strategyConstants(n: number, popsize: number, separable: boolean): Constants {
  const mu = Math.floor(popsize / 2);
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n)); // E‖N(0, I)‖
  const funhistTerm = 10 + Math.ceil((30 * n) / popsize);
  if (separable) {
    // Positive weights on the best μ only.
    const w = Float64Array.from({ length: mu }, (_, i) => Math.log(mu + 1) - Math.log(i + 1));
    const sum = w.reduce((s, v) => s + v, 0);
    let sq = 0;
    for (let i = 0; i < mu; i++) {
      w[i] /= sum;
      sq += w[i] * w[i];
    }
    const muEff = 1 / sq;
    const c1 = 2 / ((n + 1.3) ** 2 + muEff);
    const cmuFull =
      2 / muEff / (n + Math.SQRT2) ** 2 +
      (1 - 1 / muEff) * Math.min(1, (2 * muEff - 1) / ((n + 2) ** 2 + muEff));
    const cmu = ((n + 2) / 3) * cmuFull;
    const cSigma = (muEff + 2) / (n + muEff + 3);
    const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
    const cc = 4 / (n + 4);
    return { mu, weights: w, muEff, c1, cmu, cc, cSigma, dSigma, chiN, funhistTerm };
  }
  // eq. 49: w'_i = ln((λ + 1)/2) − ln i for i = 1 … λ.
  const wp = Float64Array.from({ length: popsize }, (_, i) => Math.log((popsize + 1) / 2) - Math.log(i + 1));
  const sumSq = (a: Float64Array, from: number, to: number) => {
    let s = 0;
    let q = 0;
    for (let i = from; i < to; i++) {
      s += a[i];
      q += a[i] * a[i];
    }
    return (s * s) / q;
  };
  const muEff = sumSq(wp, 0, mu);
  const muEffMinus = popsize > mu ? sumSq(wp, mu, popsize) : 0;
  const alphaCov = 2;
  const c1 = alphaCov / ((n + 1.3) ** 2 + muEff);
  const cmu = Math.min(
    1 - c1 - 1e-8,
    (alphaCov * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2),
  );
  // eq. 50–53: negative weights scaled by the smallest of α_μ⁻, α_μeff⁻, α_posdef⁻.
  const minAlpha = Math.min(1 + c1 / cmu, 1 + (2 * muEffMinus) / (muEff + 2), (1 - c1 - cmu) / (n * cmu));
  let positive = 0;
  let negative = 0;
  for (const v of wp) {
    if (v > 0) positive += v;
    else negative -= v;
  }
  const weights = Float64Array.from(wp, (v) => (v >= 0 ? v / positive : (minAlpha / negative) * v));
  const cSigma = (muEff + 2) / (n + muEff + 5); // eq. 55
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n); // eq. 56
  return { mu, weights, muEff, c1, cmu, cc, cSigma, dSigma, chiN, funhistTerm };
}

function finiteArray(what: string, a: unknown, n: number, nullable = false): (number | null)[] {
  if (!Array.isArray(a) && !ArrayBuffer.isView(a)) throw new InvalidArgumentError(`${what} must be an array`);
  const arr = Array.from(a as ArrayLike<unknown>);
  if (arr.length !== n) throw new InvalidArgumentError(`${what} must have ${n} entries, got ${arr.length}`);
  return arr.map((v, i) => {
    if (v === null || v === undefined || v === Infinity || v === -Infinity) {
      if (nullable) return null;
      throw new InvalidArgumentError(`${what}[${i}] must be a finite number, got ${String(v)}`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError(`${what}[${i}] must be a finite number, got ${String(v)}`);
    }
    return v;
  });
}

export class Cma {
  readonly dim: number;
  readonly popsize: number;
  readonly separable: boolean;
  private readonly k: Constants;
  private kOther: { lambda: number; k: Constants } | null = null;
  private mean: Float64Array;
  private sigma: number;
  /** Full: row-major n×n; separable: the diagonal. */
  private C: Float64Array;
  private pSigma: Float64Array;
  private pc: Float64Array;
  private g: number;
  private tolx: number;
  private readonly funhist: Float64Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly nMaxResampling: number;
  private readonly axes: (DiscreteAxis | null)[];
  private readonly margin: number;
  private readonly scaling: Float64Array;
  /** B and D of C = B D² Bᵀ, computed once per generation. */
  private eigen: { B: Float64Array; D: Float64Array } | null = null;

  constructor(options: CmaOptions) {
    const n = options.mean?.length;
    if (!Number.isInteger(n) || n < 1) {
      throw new InvalidArgumentError('mean must be a non-empty array of numbers');
    }
    const mean = finiteArray('mean', options.mean, n) as number[];
    if (mean.some((v) => Math.abs(v) >= MEAN_MAX)) {
      throw new InvalidArgumentError(`|mean| must be < ${MEAN_MAX}`);
    }
    if (!(typeof options.sigma === 'number' && options.sigma > 0 && Number.isFinite(options.sigma))) {
      throw new InvalidArgumentError(`sigma must be a finite number > 0, got ${options.sigma}`);
    }
    const popsize = options.popsize ?? 4 + Math.floor(3 * Math.log(n));
    if (!Number.isInteger(popsize) || popsize < 2) {
      throw new InvalidArgumentError(`popsize must be an integer >= 2, got ${popsize}`);
    }
    const separable = options.separable ?? false;
    const nMaxResampling = options.nMaxResampling ?? 10 * n;
    if (!Number.isInteger(nMaxResampling) || nMaxResampling < 0) {
      throw new InvalidArgumentError(`nMaxResampling must be an integer >= 0, got ${nMaxResampling}`);
    }
    const discrete = options.discrete
      ? [...options.discrete]
      : new Array<DiscreteAxisSpec | null>(n).fill(null);
    if (discrete.length !== n) {
      throw new InvalidArgumentError(`discrete must have ${n} entries, got ${discrete.length}`);
    }
    const margin = options.margin ?? 1 / (n * popsize);
    if (!(margin > 0 && margin < 0.5)) {
      throw new InvalidArgumentError(`margin must be in (0, 0.5), got ${margin}`);
    }
    this.dim = n;
    this.popsize = popsize;
    this.separable = separable;
    this.k = strategyConstants(n, popsize, separable);
    if (!separable && this.k.c1 > 1 - this.k.cmu) {
      throw new InvalidArgumentError('invalid learning rates (c1 > 1 − cμ)');
    }
    this.mean = Float64Array.from(mean);
    this.sigma = options.sigma;
    this.C = separable ? new Float64Array(n).fill(1) : identity(n);
    this.pSigma = new Float64Array(n);
    this.pc = new Float64Array(n);
    this.g = 0;
    this.tolx = 1e-12 * options.sigma;
    this.funhist = new Float64Array(2 * this.k.funhistTerm).fill(NaN);
    this.lower = bound('lower', options.lower, n, -Infinity);
    this.upper = bound('upper', options.upper, n, Infinity);
    for (let i = 0; i < n; i++) {
      if (!(this.lower[i] <= this.mean[i] && this.mean[i] <= this.upper[i])) {
        throw new InvalidArgumentError(
          `mean[${i}] = ${this.mean[i]} is outside [${this.lower[i]}, ${this.upper[i]}]`,
        );
      }
    }
    this.nMaxResampling = nMaxResampling;
    this.axes = discrete.map((d) => (d ? new DiscreteAxis(d) : null));
    this.margin = margin;
    this.scaling = new Float64Array(n).fill(1);
  }

  /** Restores a Cma from `toJSON()` output (validated, so that a corrupted attribute fails loudly). */
  static fromJSON(json: unknown): Cma {
    const s = json as Partial<CmaState> | null;
    if (!s || typeof s !== 'object' || s.version !== 1) {
      throw new InvalidArgumentError('not a CMA-ES state (expected an object with version 1)');
    }
    const n = s.dim as number;
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`CMA-ES state: bad dim ${String(n)}`);
    const mean = finiteArray('state.mean', s.mean, n) as number[];
    const lower = finiteArray('state.lower', s.lower, n, true);
    const upper = finiteArray('state.upper', s.upper, n, true);
    // The mean may have left the box (only samples are kept inside): build inside, then restore it.
    const inside = mean.map((m, i) => Math.min(upper[i] ?? Infinity, Math.max(lower[i] ?? -Infinity, m)));
    const cma = new Cma({
      mean: inside,
      sigma: s.sigma as number,
      lower,
      upper,
      popsize: s.popsize,
      separable: Boolean(s.separable),
      nMaxResampling: s.nMaxResampling,
      discrete: s.discrete,
      margin: s.margin,
    });
    const covLength = s.separable ? n : (n * (n + 1)) / 2;
    const cov = finiteArray('state.cov', s.cov, covLength) as number[];
    if (s.separable) {
      cma.C.set(cov);
    } else {
      let k = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          cma.C[i * n + j] = cov[k];
          cma.C[j * n + i] = cov[k++];
        }
      }
    }
    cma.pSigma.set(finiteArray('state.pSigma', s.pSigma, n) as number[]);
    cma.pc.set(finiteArray('state.pc', s.pc, n) as number[]);
    cma.scaling.set(finiteArray('state.scaling', s.scaling, n) as number[]);
    if (!Number.isInteger(s.generation) || (s.generation as number) < 0) {
      throw new InvalidArgumentError(`CMA-ES state: bad generation ${String(s.generation)}`);
    }
    cma.g = s.generation as number;
    if (!(typeof s.tolx === 'number' && s.tolx > 0)) throw new InvalidArgumentError('CMA-ES state: bad tolx');
    cma.tolx = s.tolx;
    const hist = finiteArray('state.funhist', s.funhist, cma.funhist.length, true);
    hist.forEach((v, i) => (cma.funhist[i] = v ?? NaN));
    cma.mean.set(mean);
    return cma;
  }

  toJSON(): CmaState {
    const n = this.dim;
    const cov: number[] = [];
    if (this.separable) cov.push(...this.C);
    else for (let i = 0; i < n; i++) for (let j = i; j < n; j++) cov.push(this.C[i * n + j]);
    const orNull = (v: number) => (Number.isFinite(v) ? v : null);
    return {
      version: 1,
      separable: this.separable,
      dim: n,
      popsize: this.popsize,
      mean: Array.from(this.mean),
      sigma: this.sigma,
      cov,
      pSigma: Array.from(this.pSigma),
      pc: Array.from(this.pc),
      generation: this.g,
      tolx: this.tolx,
      funhist: Array.from(this.funhist, orNull),
      lower: Array.from(this.lower, orNull),
      upper: Array.from(this.upper, orNull),
      nMaxResampling: this.nMaxResampling,
      discrete: this.axes.map((a) => (a ? { ...a.spec } : null)),
      margin: this.margin,
      scaling: Array.from(this.scaling),
    };
  }

  /** Number of updates so far (a generation is told at once). */
  get generation(): number {
    return this.g;
  }

  get stepSize(): number {
    return this.sigma;
  }

  get meanVector(): Float64Array {
    return Float64Array.from(this.mean);
  }

  /** The covariance matrix C, row-major n×n (σ² C is the sampling covariance). */
  get covariance(): Float64Array {
    if (!this.separable) return Float64Array.from(this.C);
    const full = new Float64Array(this.dim * this.dim);
    for (let i = 0; i < this.dim; i++) full[i * this.dim + i] = this.C[i];
    return full;
  }

  /**
   * Draws one sample x ~ N(m, σ² C) (eq. 38) inside the box: out-of-box draws are repeated, and the last
   * one is clipped. Does not change the distribution.
   */
  ask(rng: Rng, z?: ArrayLike<number>): CmaSample {
    let x = this.sample(rng, z);
    for (let i = 0; i < this.nMaxResampling && !this.feasible(x); i++) x = this.sample(rng);
    if (!this.feasible(x)) {
      for (let i = 0; i < this.dim; i++) x[i] = Math.min(this.upper[i], Math.max(this.lower[i], x[i]));
    }
    return { x, encoded: this.encode(x) };
  }

  /** x with each discrete coordinate replaced by the value whose cell holds m + A (x − m). */
  encode(x: ArrayLike<number>): Float64Array {
    const out = Float64Array.from(x);
    for (let i = 0; i < this.dim; i++) {
      const axis = this.axes[i];
      if (axis) out[i] = axis.value(axis.position((x[i] - this.mean[i]) * this.scaling[i] + this.mean[i]));
    }
    return out;
  }

  /**
   * Updates the distribution from the evaluated samples of one generation (the raw `x` of `ask`), lower
   * values being better. Usually `popsize` of them; another count λ' ≥ 2 (a generation that grew, or
   * closed early, under parallel asks) is one generation of a population of λ': weights and learning
   * rates are those of λ' (eq. 48–56), so that every sample counts and none is weighed as another's.
   */
  tell(solutions: readonly CmaSolution[]): void {
    const n = this.dim;
    if (solutions.length < 2) {
      throw new InvalidArgumentError(`tell needs at least 2 solutions, got ${solutions.length}`);
    }
    const { mu, weights, muEff, c1, cmu, cc, cSigma, dSigma, chiN } = this.constantsFor(solutions.length);
    // The stall history keeps the span of the configured population (its length is part of the state).
    const funhistTerm = this.k.funhistTerm;
    for (const s of solutions) {
      if (s.x.length !== n) {
        throw new InvalidArgumentError(`a solution has ${s.x.length} coordinates, expected ${n}`);
      }
      for (let i = 0; i < n; i++) {
        if (!(Math.abs(s.x[i]) < MEAN_MAX)) {
          throw new InvalidArgumentError(`solution coordinates must be finite and < ${MEAN_MAX}`);
        }
      }
      if (Number.isNaN(s.value)) throw new InvalidArgumentError('a solution value is NaN');
    }
    this.g += 1;
    const sorted = [...solutions].sort((a, b) => a.value - b.value);
    const slot = 2 * (this.g % funhistTerm);
    this.funhist[slot] = sorted[0].value;
    this.funhist[slot + 1] = sorted[sorted.length - 1].value;

    const { B, D } = this.decompose();
    this.eigen = null;

    // y_k = (x_k − m) / σ ~ N(0, C)
    const ys = sorted.map((s) =>
      Float64Array.from({ length: n }, (_, i) => (s.x[i] - this.mean[i]) / this.sigma),
    );
    // eq. 41: ⟨y⟩_w = Σ_{i ≤ μ} w_i y_{i:λ};  eq. 42: m ← m + c_m σ ⟨y⟩_w (c_m = 1)
    const yw = new Float64Array(n);
    for (let k = 0; k < mu; k++) for (let i = 0; i < n; i++) yw[i] += weights[k] * ys[k][i];
    for (let i = 0; i < n; i++) this.mean[i] += this.sigma * yw[i];

    // eq. 43: p_σ ← (1 − c_σ) p_σ + √(c_σ (2 − c_σ) μ_eff) C^(−1/2) ⟨y⟩_w
    const invSqrtYw = this.invSqrtC(yw, B, D);
    const ps = Math.sqrt(cSigma * (2 - cSigma) * muEff);
    for (let i = 0; i < n; i++) this.pSigma[i] = (1 - cSigma) * this.pSigma[i] + ps * invSqrtYw[i];
    let normPs = 0;
    for (let i = 0; i < n; i++) normPs += this.pSigma[i] * this.pSigma[i];
    normPs = Math.sqrt(normPs);
    // eq. 44: σ ← σ exp((c_σ / d_σ)(‖p_σ‖ / E‖N(0, I)‖ − 1))
    this.sigma = Math.min(this.sigma * Math.exp((cSigma / dSigma) * (normPs / chiN - 1)), SIGMA_MAX);

    // h_σ (p. 28) stalls p_c while ‖p_σ‖ is large.
    const hSigma =
      normPs / Math.sqrt(1 - (1 - cSigma) ** (2 * (this.g + 1))) < (1.4 + 2 / (n + 1)) * chiN ? 1 : 0;
    // eq. 45: p_c ← (1 − c_c) p_c + h_σ √(c_c (2 − c_c) μ_eff) ⟨y⟩_w
    const pcs = hSigma * Math.sqrt(cc * (2 - cc) * muEff);
    for (let i = 0; i < n; i++) this.pc[i] = (1 - cc) * this.pc[i] + pcs * yw[i];
    const deltaH = (1 - hSigma) * cc * (2 - cc);

    let sumW = 0;
    for (const w of weights) sumW += w;
    const decay = 1 + c1 * deltaH - c1 - cmu * sumW;
    if (this.separable) {
      // sep-CMA: eq. 47 on the diagonal, positive weights only.
      for (let i = 0; i < n; i++) {
        let rankMu = 0;
        for (let k = 0; k < mu; k++) rankMu += weights[k] * ys[k][i] * ys[k][i];
        this.C[i] = decay * this.C[i] + c1 * this.pc[i] * this.pc[i] + cmu * rankMu;
      }
    } else {
      // eq. 46: w°_i = w_i · (1 if w_i ≥ 0 else n / ‖C^(−1/2) y_i‖²)
      const wo = Float64Array.from(weights, (w, k) => {
        if (w >= 0) return w;
        const z = this.invSqrtC(ys[k], B, D);
        let sq = 0;
        for (let i = 0; i < n; i++) sq += z[i] * z[i];
        return (w * n) / (sq + EPS);
      });
      // eq. 47: C ← (1 + c1 δ(h_σ) − c1 − c_μ Σ w_j) C + c1 p_c p_cᵀ + c_μ Σ w°_i y_i y_iᵀ
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          let rankMu = 0;
          for (let k = 0; k < ys.length; k++) rankMu += wo[k] * ys[k][i] * ys[k][j];
          const v = decay * this.C[i * n + j] + c1 * this.pc[i] * this.pc[j] + cmu * rankMu;
          this.C[i * n + j] = v;
          this.C[j * n + i] = v;
        }
      }
    }
    if (this.axes.some(Boolean)) this.applyMargin();
  }

  /** The strategy constants of a population of λ' (those of `popsize` computed once, others on demand). */
  private constantsFor(lambda: number): Constants {
    if (lambda === this.popsize) return this.k;
    if (this.kOther?.lambda !== lambda) {
      this.kOther = { lambda, k: strategyConstants(this.dim, lambda, this.separable) };
    }
    return this.kOther.k;
  }

  /** Whether the search has converged or stalled (the termination criteria of the `cmaes` package). */
  shouldStop(): boolean {
    const n = this.dim;
    const { B, D } = this.decompose();
    const diag = Float64Array.from({ length: n }, (_, i) => (this.separable ? this.C[i] : this.C[i * n + i]));
    // The range of the best and worst values of the recent generations is below tolfun.
    if (this.g > this.k.funhistTerm) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of this.funhist) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (hi - lo < TOL_FUN) return true;
    }
    // σ is below tolx in every coordinate, and so is p_c.
    if (diag.every((c) => this.sigma * c < this.tolx) && this.pc.every((p) => this.sigma * p < this.tolx)) {
      return true;
    }
    // Divergence.
    const dMax = Math.max(...D);
    if (this.sigma * dMax > TOLX_UP) return true;
    // No effect of a 0.2-standard-deviation step in any single coordinate.
    for (let i = 0; i < n; i++)
      if (this.mean[i] === this.mean[i] + 0.2 * this.sigma * Math.sqrt(diag[i])) return true;
    // No effect of a 0.1-standard-deviation step along principal axis g mod n.
    const axis = this.g % n;
    let noEffect = true;
    for (let i = 0; i < n; i++) {
      const step = this.separable ? 0.1 * this.sigma * D[axis] : 0.1 * this.sigma * D[axis] * B[i * n + axis];
      if (this.mean[i] !== this.mean[i] + step) noEffect = false;
    }
    if (noEffect) return true;
    // Condition number of C above 1e14.
    return dMax / Math.min(...D) > TOL_CONDITION_COV;
  }

  /** C = B D² Bᵀ; D² is floored at a tiny positive value (C is rebuilt then) so that C stays positive definite. */
  private decompose(): { B: Float64Array; D: Float64Array } {
    if (this.eigen) return this.eigen;
    const n = this.dim;
    if (this.separable) {
      const D = Float64Array.from(this.C, (c) => Math.sqrt(c < 0 ? EPS : c));
      this.eigen = { B: identity(n), D };
      return this.eigen;
    }
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const v = (this.C[i * n + j] + this.C[j * n + i]) / 2;
        this.C[i * n + j] = v;
        this.C[j * n + i] = v;
      }
    }
    const { values, vectors } = symmetricEigen(this.C, n);
    let floored = false;
    const D = Float64Array.from(values, (v) => {
      if (v < 0) floored = true;
      return Math.sqrt(v < 0 ? EPS : v);
    });
    if (floored) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += vectors[i * n + k] * D[k] * D[k] * vectors[j * n + k];
          this.C[i * n + j] = s;
        }
      }
    }
    this.eigen = { B: vectors, D };
    return this.eigen;
  }

  /** z ~ N(0, I), y = B D z ~ N(0, C), x = m + σ y ~ N(m, σ² C). */
  private sample(rng: Rng, z?: ArrayLike<number>): Float64Array {
    const n = this.dim;
    const { B, D } = this.decompose();
    const dz = Float64Array.from({ length: n }, (_, k) => D[k] * (z ? z[k] : rng.normal()));
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let y = 0;
      if (this.separable) y = dz[i];
      else for (let k = 0; k < n; k++) y += B[i * n + k] * dz[k];
      x[i] = this.mean[i] + this.sigma * y;
    }
    return x;
  }

  private feasible(x: Float64Array): boolean {
    for (let i = 0; i < this.dim; i++) if (!(x[i] >= this.lower[i] && x[i] <= this.upper[i])) return false;
    return true;
  }

  /** C^(−1/2) v = B D⁻¹ Bᵀ v. */
  private invSqrtC(v: Float64Array, B: Float64Array, D: Float64Array): Float64Array {
    const n = this.dim;
    if (this.separable) return Float64Array.from(v, (x, i) => x / D[i]);
    const t = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += B[i * n + k] * v[i];
      t[k] = s / D[k];
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * t[k];
      out[i] = s;
    }
    return out;
  }

  /**
   * The margin correction of CMA-ES with Margin, after each update, for every discrete coordinate j.
   * With ℓ < u the thresholds around m_j, s_j = σ A_j √C_jj and p_low = Φ((ℓ − m_j)/s_j),
   * p_up = 1 − Φ((u − m_j)/s_j):
   * - at the end of the axis (one of p_low, p_up > 1/2), if the other is below α, m_j moves to
   *   u ± s_j √χ²₁(1 − 2α) so that leaving the end value keeps probability α;
   * - inside, the probabilities are raised to at least α/2 each (the excess taken from the larger
   *   ones), and m_j and A_j are solved so that N(m_j, s_j²) gives exactly those probabilities.
   * √χ²₁(1 − 2p) = Φ⁻¹(1 − p), since a χ² variable with one degree of freedom is Z².
   */
  private applyMargin(): void {
    const alpha = this.margin;
    const n = this.dim;
    for (let j = 0; j < n; j++) {
      const axis = this.axes[j];
      if (!axis) continue;
      const m = this.mean[j];
      const cjj = this.separable ? this.C[j] : this.C[j * n + j];
      const pos = axis.position(m);
      const last = axis.count - 2;
      const limLow = axis.threshold(Math.min(last, Math.max(0, pos - 1)));
      const limUp = axis.threshold(Math.min(last, Math.max(0, pos)));
      const scale = this.sigma * this.scaling[j] * Math.sqrt(cjj);
      let lowCdf = normalCdf((limLow - m) / scale);
      let upCdf = 1 - normalCdf((limUp - m) / scale);
      const midCdf = 1 - (lowCdf + upCdf);
      if (Math.max(lowCdf, upCdf) > 0.5) {
        if (Math.min(lowCdf, upCdf) < alpha) {
          const dist = scale * normalPpf(1 - alpha);
          this.mean[j] = limUp + Math.sign(m - limUp) * dist;
        }
        continue;
      }
      lowCdf = Math.max(lowCdf, alpha / 2);
      upCdf = Math.max(upCdf, alpha / 2);
      const excess = 1 - lowCdf - upCdf - midCdf;
      const denom = lowCdf + midCdf + upCdf - (3 * alpha) / 2;
      const clip = (p: number) => Math.min(0.5 - 1e-10, Math.max(1e-10, p));
      const modLow = clip(lowCdf + (excess * (lowCdf - alpha / 2)) / denom);
      const modUp = clip(upCdf + (excess * (upCdf - alpha / 2)) / denom);
      const chiLow = normalPpf(1 - modLow);
      const chiUp = normalPpf(1 - modUp);
      this.scaling[j] = (limUp - limLow) / ((chiLow + chiUp) * this.sigma * Math.sqrt(cjj));
      this.mean[j] = (limLow * chiUp + limUp * chiLow) / (chiLow + chiUp);
    }
  }
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function bound(
  what: string,
  values: ArrayLike<number | null> | undefined,
  n: number,
  fallback: number,
): Float64Array {
  if (values === undefined) return new Float64Array(n).fill(fallback);
  const arr = finiteArray(what, values, n, true);
  return Float64Array.from(arr, (v) => (v === null ? fallback : v));
}
