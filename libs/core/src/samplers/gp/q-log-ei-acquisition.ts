import type { Acquisition } from './acquisition';
import type { GpRegressor } from './gp-regressor';
import { logEi } from './log-ei';

/** Added to the posterior variance so that σ > 0 even at a training point of a noiseless fit. */
const STABILIZING_NOISE = 1e-12;

/**
 * log q-EI of adding a point x to a batch whose other points are still being evaluated ("pending"), for the
 * greedy sequential choice of a batch: the expected improvement of max(f(x), f(x₁), …, f(xₚ)) over the best
 * value f*, as a function of x. The pending values are unknown, so they are integrated over their joint
 * posterior by S fixed quasi-random samples; for each sample s, f(x) given them is Gaussian in closed form,
 * and its EI over τₛ = max(f*, maxᵢ fₛ(xᵢ)) is exact (a Rao–Blackwellized estimate: far less noisy than
 * sampling f(x) too, so a few dozen samples are enough, and the result is smooth in x for the local searches):
 *
 *   fₛ(Xₚ) = μₚ + Lₚ zₛ,   f(x) | fₛ(Xₚ) ~ N(μ(x) + t(x)·zₛ, v(x)),   acq(x) = log (1/S) Σₛ EI(μ(x) + t(x)·zₛ, v(x); τₛ),
 *
 * where the GP holds the pending points as exact observations (GpRegressor): μ is its mean (that of the
 * observed data), v(x) its variance (given the pending points too), t(x) the last rows of L⁻¹ k(x), and Lₚ the
 * factor of the pending points' covariance. The constant E[τₛ] − f* is left out: it does not depend on x.
 * Near a pending point f(x) moves with f(xᵢ), so adding x gains little over max fₛ(Xₚ): the batch spreads out
 * as far as the model says it should, no farther.
 */
export class QLogEiAcquisition implements Acquisition {
  readonly dim: number;
  private readonly np: number;
  private readonly nSamples: number;
  private readonly thresholds: Float64Array;
  private readonly normals: Float64Array;
  private readonly logSamples: number;
  private readonly mv = new Float64Array(2);
  private readonly partials = new Float64Array(2);
  private readonly gradMean: Float64Array;
  private readonly gradVariance: Float64Array;
  private readonly tail: Float64Array;
  private readonly zHat: Float64Array;
  private readonly logs: Float64Array;
  private readonly byMean: Float64Array;
  private readonly byVariance: Float64Array;
  private batchMean = new Float64Array(0);
  private batchVariance = new Float64Array(0);
  private batchTail = new Float64Array(0);

  /**
   * @param gp - a posterior holding the pending points (gp.nPending > 0)
   * @param threshold - f*, the best (largest) standardized value observed
   * @param pendingMeans - μₚ, the posterior mean at each pending point given the observed data
   * @param normals - S × nPending standard normal draws, row-major (fixed, so that the acquisition is smooth)
   */
  constructor(
    private readonly gp: GpRegressor,
    threshold: number,
    pendingMeans: Float64Array,
    normals: Float64Array,
  ) {
    const np = gp.nPending;
    if (np === 0 || pendingMeans.length !== np || normals.length === 0 || normals.length % np !== 0) {
      throw new RangeError(
        `QLogEiAcquisition: needs pending points, their ${np} means and S × ${np} normal draws`,
      );
    }
    this.dim = gp.dim;
    this.np = np;
    this.nSamples = normals.length / np;
    this.normals = normals;
    this.logSamples = Math.log(this.nSamples);
    const lp = gp.pendingFactor();
    this.thresholds = new Float64Array(this.nSamples);
    for (let s = 0; s < this.nSamples; s++) {
      let tau = threshold;
      for (let i = 0; i < np; i++) {
        let f = pendingMeans[i];
        for (let j = 0; j <= i; j++) f += lp[i * np + j] * normals[s * np + j];
        if (f > tau) tau = f;
      }
      this.thresholds[s] = tau;
    }
    this.gradMean = new Float64Array(this.dim);
    this.gradVariance = new Float64Array(this.dim);
    this.tail = new Float64Array(np);
    this.zHat = new Float64Array(np);
    this.logs = new Float64Array(this.nSamples);
    this.byMean = new Float64Array(this.nSamples);
    this.byVariance = new Float64Array(this.nSamples);
  }

  /** log q-EI at `count` points (rows of `points`), into `out`. */
  values(points: Float64Array, count: number, out: Float64Array): void {
    if (this.batchMean.length < count) {
      this.batchMean = new Float64Array(count);
      this.batchVariance = new Float64Array(count);
      this.batchTail = new Float64Array(count * this.np);
    }
    this.gp.predict(points, count, this.batchMean, this.batchVariance, this.batchTail);
    for (let p = 0; p < count; p++) {
      out[p] = this.logMeanEi(
        this.batchMean[p],
        this.batchVariance[p] + STABILIZING_NOISE,
        this.batchTail,
        p * this.np,
        false,
      );
    }
  }

  /** log q-EI at one point. */
  value(point: Float64Array): number {
    const out = new Float64Array(1);
    this.values(point, 1, out);
    return out[0];
  }

  /** log q-EI at one point, with its gradient (0 along categorical coordinates) written into `grad`. */
  valueWithGradient(point: Float64Array, grad: Float64Array): number {
    const { mv, gradMean, gradVariance, tail, zHat, byMean, byVariance, normals, np, nSamples } = this;
    this.gp.predictWithGradient(point, mv, gradMean, gradVariance, tail);
    const value = this.logMeanEi(mv[0], mv[1] + STABILIZING_NOISE, tail, 0, true);
    // d/dx log Σₛ EIₛ = Σₛ wₛ (∂ log EIₛ/∂m · ∇mₛ + ∂ log EIₛ/∂v · ∇v), wₛ = EIₛ / Σ EI (left in byMean/byVariance),
    // with ∇mₛ = ∇μ + ∇(t · zₛ): the sample terms meet in one direction ẑ = Σₛ wₛ ∂ log EIₛ/∂m · zₛ.
    let dm = 0;
    let dv = 0;
    zHat.fill(0);
    for (let s = 0; s < nSamples; s++) {
      dm += byMean[s];
      dv += byVariance[s];
      for (let i = 0; i < np; i++) zHat[i] += byMean[s] * normals[s * np + i];
    }
    // The variance is clamped at 0 for rounding; where it is, it has no useful slope.
    if (!(mv[1] > 0)) dv = 0;
    for (let j = 0; j < this.dim; j++) grad[j] = dm * gradMean[j] + dv * gradVariance[j];
    this.gp.addTailGradient(point, zHat, grad);
    return value;
  }

  /**
   * log (1/S) Σₛ EI(mean + t·zₛ, variance; τₛ), t = tail[offset…]. With `withWeights`, leaves in byMean and
   * byVariance each sample's share of the sum times its log-EI partials.
   */
  private logMeanEi(
    mean: number,
    variance: number,
    tail: Float64Array,
    offset: number,
    withWeights: boolean,
  ): number {
    const { logs, normals, np, nSamples, thresholds, partials } = this;
    let max = -Infinity;
    for (let s = 0; s < nSamples; s++) {
      let m = mean;
      for (let i = 0; i < np; i++) m += tail[offset + i] * normals[s * np + i];
      const le = logEi(m, variance, thresholds[s], withWeights ? partials : undefined);
      logs[s] = le;
      if (withWeights) {
        this.byMean[s] = partials[0];
        this.byVariance[s] = partials[1];
      }
      if (le > max) max = le;
    }
    if (max === -Infinity) return -Infinity;
    let sum = 0;
    for (let s = 0; s < nSamples; s++) sum += Math.exp(logs[s] - max);
    if (withWeights) {
      for (let s = 0; s < nSamples; s++) {
        const w = Math.exp(logs[s] - max) / sum;
        this.byMean[s] *= w;
        this.byVariance[s] *= w;
      }
    }
    return max + Math.log(sum) - this.logSamples;
  }
}
