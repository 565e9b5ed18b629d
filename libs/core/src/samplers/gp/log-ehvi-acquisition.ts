import type { Acquisition } from './acquisition';
import type { GpRegressor } from './gp-regressor';
import type { LogEhvi } from './log-ehvi';

/** Added to the posterior variance so that σ > 0 even at a training point of a noiseless fit. */
const STABILIZING_NOISE = 1e-12;

/**
 * The multi-objective acquisition: log EHVI of the point under one GP per objective (LogEhvi, closed form).
 * With constraints it is wrapped in a FeasibilityWeightedAcquisition.
 */
export class LogEhviAcquisition implements Acquisition {
  readonly dim: number;
  private readonly means: Float64Array;
  private readonly variances: Float64Array;
  private readonly partials: Float64Array;
  private readonly mv = new Float64Array(2);
  private readonly gradMeans: Float64Array[];
  private readonly gradVariances: Float64Array[];
  private batchMeans: Float64Array[] = [];
  private batchVariances: Float64Array[] = [];

  /**
   * @param objectives - one GP per objective, of standardized values to maximize (in the order of `ehvi`)
   * @param ehvi - the improvement over the feasible front
   */
  constructor(
    private readonly objectives: readonly GpRegressor[],
    private readonly ehvi: LogEhvi,
  ) {
    if (ehvi.m !== objectives.length) {
      throw new RangeError(`LogEhviAcquisition: ${objectives.length} objective GPs for ${ehvi.m} objectives`);
    }
    this.dim = objectives[0].dim;
    const m = objectives.length;
    this.means = new Float64Array(m);
    this.variances = new Float64Array(m);
    this.partials = new Float64Array(2 * m);
    this.gradMeans = objectives.map(() => new Float64Array(this.dim));
    this.gradVariances = objectives.map(() => new Float64Array(this.dim));
  }

  /** The acquisition at `count` points (rows of `points`), into `out`. */
  values(points: Float64Array, count: number, out: Float64Array): void {
    if ((this.batchMeans[0]?.length ?? 0) < count) {
      this.batchMeans = this.objectives.map(() => new Float64Array(count));
      this.batchVariances = this.objectives.map(() => new Float64Array(count));
    }
    this.objectives.forEach((gp, k) => gp.predict(points, count, this.batchMeans[k], this.batchVariances[k]));
    const m = this.objectives.length;
    for (let p = 0; p < count; p++) {
      for (let j = 0; j < m; j++) {
        this.means[j] = this.batchMeans[j][p];
        this.variances[j] = this.batchVariances[j][p] + STABILIZING_NOISE;
      }
      out[p] = this.ehvi.value(this.means, this.variances);
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
    const { mv, gradMeans, gradVariances, dim } = this;
    grad.fill(0);
    const m = this.objectives.length;
    for (let j = 0; j < m; j++) {
      this.objectives[j].predictWithGradient(point, mv, gradMeans[j], gradVariances[j]);
      this.means[j] = mv[0];
      this.variances[j] = mv[1] + STABILIZING_NOISE;
    }
    const value = this.ehvi.value(this.means, this.variances, this.partials);
    for (let j = 0; j < m; j++) {
      const dm = this.partials[j];
      // The variance is clamped at 0 for rounding; where it is, it has no useful slope.
      const dv = this.variances[j] > STABILIZING_NOISE ? this.partials[m + j] : 0;
      for (let d = 0; d < dim; d++) grad[d] += dm * gradMeans[j][d] + dv * gradVariances[j][d];
    }
    return value;
  }
}
