import { logNormalCdf } from '../../math/log-normal-cdf';
import type { Acquisition } from './acquisition';
import type { ConstraintModel } from './constraint-models';

/** Added to the posterior variance so that σ > 0 even at a training point of a noiseless fit. */
const STABILIZING_NOISE = 1e-12;

/**
 * An acquisition of a constrained study: the log improvement (log EI, log q-EI or log EHVI) plus, for each
 * constraint, the log probability that it holds, log Φ((μ − t)/σ) under its own GP — the expected improvement
 * of a feasible point, the constraints taken as independent (Gardner et al. 2014, and Optuna's GPSampler).
 * Without a feasible trial yet there is nothing to improve on: `improvement` is null and the acquisition is the
 * log probability of feasibility alone, which leads the search into the feasible region first.
 */
export class FeasibilityWeightedAcquisition implements Acquisition {
  readonly dim: number;
  private readonly mv = new Float64Array(2);
  private readonly gradMean: Float64Array;
  private readonly gradVariance: Float64Array;
  private readonly dz = new Float64Array(1);
  private batchMean = new Float64Array(0);
  private batchVariance = new Float64Array(0);

  constructor(
    private readonly improvement: Acquisition | null,
    private readonly constraints: readonly ConstraintModel[],
  ) {
    if (improvement === null && constraints.length === 0) {
      throw new RangeError('FeasibilityWeightedAcquisition: needs an improvement or constraints');
    }
    this.dim = improvement ? improvement.dim : constraints[0].gp.dim;
    this.gradMean = new Float64Array(this.dim);
    this.gradVariance = new Float64Array(this.dim);
  }

  /** The acquisition at `count` points (rows of `points`), into `out`. */
  values(points: Float64Array, count: number, out: Float64Array): void {
    if (this.improvement) this.improvement.values(points, count, out);
    else out.fill(0, 0, count);
    if (this.batchMean.length < count) {
      this.batchMean = new Float64Array(count);
      this.batchVariance = new Float64Array(count);
    }
    for (const c of this.constraints) {
      c.gp.predict(points, count, this.batchMean, this.batchVariance);
      for (let p = 0; p < count; p++) {
        const sigma = Math.sqrt(this.batchVariance[p] + STABILIZING_NOISE);
        out[p] += logNormalCdf((this.batchMean[p] - c.threshold) / sigma);
      }
    }
  }

  /** The acquisition at one point. */
  value(point: Float64Array): number {
    const out = new Float64Array(1);
    this.values(point, 1, out);
    return out[0];
  }

  /** The acquisition at one point, with its gradient (0 along categorical coordinates) written into `grad`. */
  valueWithGradient(point: Float64Array, grad: Float64Array): number {
    const { mv, gradMean, gradVariance, dz, dim } = this;
    let value = 0;
    if (this.improvement) value = this.improvement.valueWithGradient(point, grad);
    else grad.fill(0);
    for (const c of this.constraints) {
      c.gp.predictWithGradient(point, mv, gradMean, gradVariance);
      const variance = mv[1] + STABILIZING_NOISE;
      const sigma = Math.sqrt(variance);
      const z = (mv[0] - c.threshold) / sigma;
      value += logNormalCdf(z, dz);
      const dm = dz[0] / sigma;
      // The variance is clamped at 0 for rounding; where it is, it has no useful slope.
      const dv = mv[1] > 0 ? (-dz[0] * z) / (2 * variance) : 0;
      for (let d = 0; d < dim; d++) grad[d] += dm * gradMean[d] + dv * gradVariance[d];
    }
    return value;
  }
}
