import { logNormalCdf } from '../../math/log-normal-cdf';
import type { Acquisition } from './acquisition';
import type { GpRegressor } from './gp-regressor';
import type { LogEhvi } from './log-ehvi';

/** Added to the posterior variance so that σ > 0 even at a training point of a noiseless fit. */
const STABILIZING_NOISE = 1e-12;

/** A constraint's GP (of the negated, standardized constraint value) and the value above which it holds. */
export interface ConstraintModel {
  gp: GpRegressor;
  threshold: number;
}

/**
 * The multi-objective acquisition: log EHVI of the point under one GP per objective (LogEhvi, closed form),
 * plus, for each constraint, the log probability that it holds, log Φ((μ − t)/σ) under its own GP — the
 * expected improvement of a feasible point, the constraints taken as independent. Without a feasible trial yet
 * there is no front to improve: `ehvi` is null and the acquisition is the log probability of feasibility alone.
 */
export class LogEhviAcquisition implements Acquisition {
  readonly dim: number;
  private readonly models: GpRegressor[];
  private readonly means: Float64Array;
  private readonly variances: Float64Array;
  private readonly partials: Float64Array;
  private readonly mv = new Float64Array(2);
  private readonly gradMeans: Float64Array[];
  private readonly gradVariances: Float64Array[];
  private readonly dz = new Float64Array(1);
  private batchMeans: Float64Array[] = [];
  private batchVariances: Float64Array[] = [];

  /**
   * @param objectives - one GP per objective, of standardized values to maximize (in the order of `ehvi`)
   * @param ehvi - the improvement over the feasible front, or null when no trial is feasible
   */
  constructor(
    private readonly objectives: readonly GpRegressor[],
    private readonly ehvi: LogEhvi | null,
    private readonly constraints: readonly ConstraintModel[],
  ) {
    if (ehvi === null && constraints.length === 0) {
      throw new RangeError('LogEhviAcquisition: needs a front to improve or constraints to satisfy');
    }
    if (ehvi !== null && ehvi.m !== objectives.length) {
      throw new RangeError(`LogEhviAcquisition: ${objectives.length} objective GPs for ${ehvi.m} objectives`);
    }
    this.models = [...(ehvi ? objectives : []), ...constraints.map((c) => c.gp)];
    this.dim = this.models[0].dim;
    const m = objectives.length;
    this.means = new Float64Array(m);
    this.variances = new Float64Array(m);
    this.partials = new Float64Array(2 * m);
    this.gradMeans = this.models.map(() => new Float64Array(this.dim));
    this.gradVariances = this.models.map(() => new Float64Array(this.dim));
  }

  /** The acquisition at `count` points (rows of `points`), into `out`. */
  values(points: Float64Array, count: number, out: Float64Array): void {
    if ((this.batchMeans[0]?.length ?? 0) < count) {
      this.batchMeans = this.models.map(() => new Float64Array(count));
      this.batchVariances = this.models.map(() => new Float64Array(count));
    }
    this.models.forEach((gp, k) => gp.predict(points, count, this.batchMeans[k], this.batchVariances[k]));
    const nObjectives = this.ehvi ? this.objectives.length : 0;
    for (let p = 0; p < count; p++) {
      let value = 0;
      if (this.ehvi) {
        for (let j = 0; j < nObjectives; j++) {
          this.means[j] = this.batchMeans[j][p];
          this.variances[j] = this.batchVariances[j][p] + STABILIZING_NOISE;
        }
        value = this.ehvi.value(this.means, this.variances);
      }
      this.constraints.forEach((c, i) => {
        const k = nObjectives + i;
        value += logFeasible(this.batchMeans[k][p], this.batchVariances[k][p], c.threshold);
      });
      out[p] = value;
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
    let value = 0;
    const nObjectives = this.ehvi ? this.objectives.length : 0;
    if (this.ehvi) {
      for (let j = 0; j < nObjectives; j++) {
        this.objectives[j].predictWithGradient(point, mv, gradMeans[j], gradVariances[j]);
        this.means[j] = mv[0];
        this.variances[j] = mv[1] + STABILIZING_NOISE;
      }
      value = this.ehvi.value(this.means, this.variances, this.partials);
      for (let j = 0; j < nObjectives; j++) {
        const dm = this.partials[j];
        // The variance is clamped at 0 for rounding; where it is, it has no useful slope.
        const dv = this.variances[j] > STABILIZING_NOISE ? this.partials[nObjectives + j] : 0;
        for (let d = 0; d < dim; d++) grad[d] += dm * gradMeans[j][d] + dv * gradVariances[j][d];
      }
    }
    this.constraints.forEach((c, i) => {
      const k = nObjectives + i;
      c.gp.predictWithGradient(point, mv, gradMeans[k], gradVariances[k]);
      const variance = mv[1] + STABILIZING_NOISE;
      const sigma = Math.sqrt(variance);
      const z = (mv[0] - c.threshold) / sigma;
      value += logNormalCdf(z, this.dz);
      const dm = this.dz[0] / sigma;
      const dv = mv[1] > 0 ? (-this.dz[0] * z) / (2 * variance) : 0;
      for (let d = 0; d < dim; d++) grad[d] += dm * gradMeans[k][d] + dv * gradVariances[k][d];
    });
    return value;
  }
}

/** log P(value ≥ threshold) for a normal N(mean, variance). */
function logFeasible(mean: number, variance: number, threshold: number): number {
  return logNormalCdf((mean - threshold) / Math.sqrt(variance + STABILIZING_NOISE));
}
