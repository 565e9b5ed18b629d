/**
 * A discrete parameter as CMA-ES sees it: `count` values `low + i * step` (i = 0 … count − 1) on a linear
 * or logarithmic scale, mapped into the unit interval so that each value owns an equal share of it:
 * with f = ln on a log axis (identity otherwise), u = (f(v) − f(low − step/2)) / (f(high + step/2) − f(low − step/2)).
 * The thresholds between neighbours sit at the images of the half-steps; a continuous coordinate is
 * encoded as the value whose cell contains it. Plain JSON, so it travels in the optimizer state.
 */
export interface DiscreteAxisSpec {
  low: number;
  step: number;
  /** Number of values, >= 2. */
  count: number;
  log: boolean;
}

export class DiscreteAxis {
  private readonly lo: number;
  private readonly span: number;

  constructor(readonly spec: DiscreteAxisSpec) {
    const { low, step, count, log } = spec;
    if (!(Number.isFinite(low) && step > 0 && Number.isInteger(count) && count >= 2)) {
      throw new RangeError(
        `discrete axis needs a finite low, step > 0 and count >= 2, got ${JSON.stringify(spec)}`,
      );
    }
    if (log && low - step / 2 <= 0) {
      throw new RangeError(`a log discrete axis needs low - step/2 > 0, got low=${low}`);
    }
    this.lo = this.f(low - step / 2);
    this.span = this.f(low + (count - 0.5) * step) - this.lo;
  }

  get count(): number {
    return this.spec.count;
  }

  /** The unit coordinate of value i. */
  value(i: number): number {
    return this.unit(this.spec.low + i * this.spec.step);
  }

  /** The unit coordinate of the threshold between values i and i + 1 (0 <= i <= count − 2). */
  threshold(i: number): number {
    return this.unit(this.spec.low + (i + 0.5) * this.spec.step);
  }

  /** The index of the value a unit coordinate encodes: the number of thresholds strictly below u. */
  position(u: number): number {
    if (Number.isNaN(u)) throw new RangeError('discrete axis: coordinate is NaN');
    const v = this.spec.log ? Math.exp(this.lo + u * this.span) : this.lo + u * this.span;
    const k = Math.ceil((v - this.spec.low) / this.spec.step - 0.5);
    // Guard the rounding of the inverse map right at a threshold.
    let i = Math.min(this.spec.count - 1, Math.max(0, k));
    while (i > 0 && this.threshold(i - 1) >= u) i--;
    while (i < this.spec.count - 1 && this.threshold(i) < u) i++;
    return i;
  }

  /** The index of the grid value closest to an external value. */
  indexOf(external: number): number {
    const k = Math.round((external - this.spec.low) / this.spec.step);
    return Math.min(this.spec.count - 1, Math.max(0, k));
  }

  private f(v: number): number {
    return this.spec.log ? Math.log(v) : v;
  }

  private unit(v: number): number {
    return (this.f(v) - this.lo) / this.span;
  }
}
