import type { Acquisition } from './acquisition';
import type { GpRegressor } from './gp-regressor';
import { logEi } from './log-ei';

/** Added to the posterior variance so that σ > 0 even at a training point of a noiseless fit. */
const STABILIZING_NOISE = 1e-12;

/** The acquisition maximized to choose the next point: log EI over the best value seen, under a GP posterior. */
export class LogEiAcquisition implements Acquisition {
  readonly dim: number;
  private readonly mv = new Float64Array(2);
  private readonly partials = new Float64Array(2);
  private readonly gradMean: Float64Array;
  private readonly gradVariance: Float64Array;
  private batchMean = new Float64Array(0);
  private batchVariance = new Float64Array(0);

  /** @param threshold - f*, the best (largest) standardized value observed */
  constructor(
    readonly gp: GpRegressor,
    readonly threshold: number,
  ) {
    this.dim = gp.dim;
    this.gradMean = new Float64Array(gp.dim);
    this.gradVariance = new Float64Array(gp.dim);
  }

  /** log EI at `count` points (rows of `points`), into `out`. */
  values(points: Float64Array, count: number, out: Float64Array): void {
    if (this.batchMean.length < count) {
      this.batchMean = new Float64Array(count);
      this.batchVariance = new Float64Array(count);
    }
    this.gp.predict(points, count, this.batchMean, this.batchVariance);
    for (let p = 0; p < count; p++) {
      out[p] = logEi(this.batchMean[p], this.batchVariance[p] + STABILIZING_NOISE, this.threshold);
    }
  }

  /** log EI at one point. */
  value(point: Float64Array): number {
    const out = new Float64Array(1);
    this.values(point, 1, out);
    return out[0];
  }

  /** log EI at one point, with its gradient (0 along categorical coordinates) written into `grad`. */
  valueWithGradient(point: Float64Array, grad: Float64Array): number {
    const { mv, partials, gradMean, gradVariance } = this;
    this.gp.predictWithGradient(point, mv, gradMean, gradVariance);
    const value = logEi(mv[0], mv[1] + STABILIZING_NOISE, this.threshold, partials);
    // The variance is clamped at 0 for rounding; where it is, it has no useful slope.
    const dv = mv[1] > 0 ? partials[1] : 0;
    for (let j = 0; j < this.dim; j++) grad[j] = partials[0] * gradMean[j] + dv * gradVariance[j];
    return value;
  }
}
