import type { NonDominatedBoxes } from '../../multi-objective/non-dominated-boxes';
import { logEi } from './log-ei';

/**
 * Below this, the scaled sum of the boxes' terms has lost too many digits (or underflowed): the value is
 * recomputed box by box in log space.
 */
const TINY_SUM = 1e-200;

/**
 * log EHVI, the log of the expected hypervolume improvement of a point whose objectives (to maximize) are
 * independent normals N(μⱼ, vⱼ) — one GP per objective —, in closed form rather than by sampling:
 *
 *   HVI(y) = Σ_b Πⱼ clip(yⱼ − aᵦⱼ, 0, cᵦⱼ − aᵦⱼ)   (disjoint boxes [a, c] of the region the set does not dominate)
 *   EHVI   = Σ_b Πⱼ E[clip(Yⱼ − aᵦⱼ, 0, cᵦⱼ − aᵦⱼ)] = Σ_b Πⱼ (ψⱼ(aᵦⱼ) − ψⱼ(cᵦⱼ)),
 *
 * since the objectives are independent, with ψⱼ(t) = E[max(0, Yⱼ − t)], the expected improvement over t (0 at
 * t = ∞). ψⱼ is evaluated once per distinct bound (in log space, logEi) and the boxes combine those values:
 * each objective's values are scaled by its largest so that the sum neither underflows nor overflows near the
 * front; far from it, where the scaled sum loses its digits, the boxes are summed in log space instead. Exact,
 * smooth in μ and v, with its gradient, at a cost of (distinct bounds) log-EI evaluations plus m² operations per
 * box.
 */
export class LogEhvi {
  readonly m: number;
  private readonly nBoxes: number;
  /** Per objective, its distinct finite bounds, ascending. */
  private readonly bounds: Float64Array[];
  /** Per box and objective, the index of aᵦⱼ and of cᵦⱼ (−1 for +∞) in bounds[j]. */
  private readonly lowIndex: Int32Array;
  private readonly highIndex: Int32Array;
  /** Per objective: log ψ at each bound, its scaled value, and its partials in μ and v. */
  private readonly logPsi: Float64Array[];
  private readonly scaled: Float64Array[];
  private readonly dMean: Float64Array[];
  private readonly dVariance: Float64Array[];
  private readonly factors: Float64Array;
  private readonly partials = new Float64Array(2);

  /**
   * @param boxes - the non-dominated region of the current front, every objective MINIMIZED (a loss ℓ = −y):
   *   box [ℓ-lower, ℓ-upper] is, for y, [a, c] = [−ℓ-upper, −ℓ-lower]
   */
  constructor(boxes: NonDominatedBoxes) {
    const m = boxes.m;
    this.m = m;
    this.nBoxes = boxes.count;
    this.lowIndex = new Int32Array(boxes.count * m);
    this.highIndex = new Int32Array(boxes.count * m);
    this.bounds = [];
    for (let j = 0; j < m; j++) {
      const values = new Set<number>();
      for (let b = 0; b < boxes.count; b++) {
        values.add(-boxes.upper[b * m + j]);
        const high = -boxes.lower[b * m + j];
        if (Number.isFinite(high)) values.add(high);
      }
      const sorted = Float64Array.from(values).sort();
      const index = new Map<number, number>();
      sorted.forEach((v, i) => index.set(v, i));
      for (let b = 0; b < boxes.count; b++) {
        this.lowIndex[b * m + j] = index.get(-boxes.upper[b * m + j])!;
        const high = -boxes.lower[b * m + j];
        this.highIndex[b * m + j] = Number.isFinite(high) ? index.get(high)! : -1;
      }
      this.bounds.push(sorted);
    }
    this.logPsi = this.bounds.map((b) => new Float64Array(b.length));
    this.scaled = this.bounds.map((b) => new Float64Array(b.length));
    this.dMean = this.bounds.map((b) => new Float64Array(b.length));
    this.dVariance = this.bounds.map((b) => new Float64Array(b.length));
    this.factors = new Float64Array(m);
  }

  /**
   * log EHVI for objective means `mean` and variances `variance` (each > 0). With `gradient` (length 2m),
   * also ∂/∂μⱼ into gradient[j] and ∂/∂vⱼ into gradient[m + j].
   */
  value(mean: ArrayLike<number>, variance: ArrayLike<number>, gradient?: Float64Array): number {
    const { m, bounds, logPsi, scaled, dMean, dVariance, partials, factors } = this;
    const withGradient = gradient !== undefined;
    let logScale = 0;
    for (let j = 0; j < m; j++) {
      let max = -Infinity;
      for (let i = 0; i < bounds[j].length; i++) {
        const l = logEi(mean[j], variance[j], bounds[j][i], withGradient ? partials : undefined);
        logPsi[j][i] = l;
        if (withGradient) {
          dMean[j][i] = partials[0];
          dVariance[j][i] = partials[1];
        }
        if (l > max) max = l;
      }
      if (max === -Infinity) return -Infinity;
      for (let i = 0; i < bounds[j].length; i++) scaled[j][i] = Math.exp(logPsi[j][i] - max);
      logScale += max;
    }
    if (withGradient) gradient.fill(0);
    let sum = 0;
    for (let b = 0; b < this.nBoxes; b++) {
      let product = 1;
      for (let j = 0; j < m; j++) {
        const hi = this.highIndex[b * m + j];
        factors[j] = scaled[j][this.lowIndex[b * m + j]] - (hi < 0 ? 0 : scaled[j][hi]);
        product *= factors[j];
      }
      sum += product;
      if (!withGradient) continue;
      for (let j = 0; j < m; j++) {
        let others = 1;
        for (let k = 0; k < m; k++) if (k !== j) others *= factors[k];
        if (others === 0) continue;
        const lo = this.lowIndex[b * m + j];
        const hi = this.highIndex[b * m + j];
        gradient[j] += others * (scaled[j][lo] * dMean[j][lo] - (hi < 0 ? 0 : scaled[j][hi] * dMean[j][hi]));
        gradient[m + j] +=
          others * (scaled[j][lo] * dVariance[j][lo] - (hi < 0 ? 0 : scaled[j][hi] * dVariance[j][hi]));
      }
    }
    if (sum > TINY_SUM) {
      if (withGradient) for (let k = 0; k < 2 * m; k++) gradient[k] /= sum;
      return logScale + Math.log(sum);
    }
    return this.valueInLogSpace(gradient);
  }

  /** The same sum, box by box in log space (from the log ψ and partials just computed). */
  private valueInLogSpace(gradient?: Float64Array): number {
    const { m, logPsi, dMean, dVariance } = this;
    const logTerms = new Float64Array(this.nBoxes);
    let max = -Infinity;
    for (let b = 0; b < this.nBoxes; b++) {
      let total = 0;
      for (let j = 0; j < m; j++) {
        const lo = logPsi[j][this.lowIndex[b * m + j]];
        const hi = this.highIndex[b * m + j];
        total += hi < 0 ? lo : lo + log1mexp(logPsi[j][hi] - lo);
      }
      logTerms[b] = total;
      if (total > max) max = total;
    }
    if (max === -Infinity) {
      gradient?.fill(0);
      return -Infinity;
    }
    let sum = 0;
    for (let b = 0; b < this.nBoxes; b++) sum += Math.exp(logTerms[b] - max);
    const value = max + Math.log(sum);
    if (gradient) {
      gradient.fill(0);
      for (let b = 0; b < this.nBoxes; b++) {
        const weight = Math.exp(logTerms[b] - value);
        if (weight === 0) continue;
        for (let j = 0; j < m; j++) {
          const lo = this.lowIndex[b * m + j];
          const hi = this.highIndex[b * m + j];
          // d log(ψ(a) − ψ(c)) = (d log ψ(a) − r d log ψ(c)) / (1 − r), r = ψ(c)/ψ(a).
          const r = hi < 0 ? 0 : Math.exp(logPsi[j][hi] - logPsi[j][lo]);
          const rest = 1 - r;
          gradient[j] += (weight * (dMean[j][lo] - (hi < 0 ? 0 : r * dMean[j][hi]))) / rest;
          gradient[m + j] += (weight * (dVariance[j][lo] - (hi < 0 ? 0 : r * dVariance[j][hi]))) / rest;
        }
      }
    }
    return value;
  }
}

/** log(1 − eˣ) for x ≤ 0, accurate on both sides of −log 2. */
function log1mexp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}
