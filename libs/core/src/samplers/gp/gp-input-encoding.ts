import {
  snapToGrid,
  toExternal,
  toInternal,
  type Distribution,
  type NumericDistribution,
  type ParamValue,
} from '../../distributions';
import { InvalidArgumentError } from '../../errors';
import type { SearchSpace } from '../sampler';

/**
 * How the GP sees a parameter: 'continuous' (a float without step: a coordinate of the unit cube),
 * 'discrete' (an int or a stepped float: a grid in the unit cube, optimized on its grid points) or
 * 'categorical' (its index, compared by equality — the Hamming distance — in the kernel).
 */
export type ParamKind = 'continuous' | 'discrete' | 'categorical';

interface Axis {
  readonly name: string;
  readonly distribution: Distribution;
  readonly kind: ParamKind;
  /** Number of values for discrete and categorical axes (Infinity for continuous ones). */
  readonly size: number;
  /** The transformed range: [lo, hi] of the value (or its log), widened by half a step for grids. */
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
  readonly step: number;
}

/**
 * How the GP encodes the relative search space (a SearchSpace) as its inputs: one coordinate per parameter. Floats and ints map to [0, 1]
 * (log ones through their logarithm), with the range widened by half a step on each side for ints and
 * stepped floats so that every grid value owns an equal share of the axis; a categorical coordinate is its
 * choice's index. Names are kept in the order of the space (sorted by name).
 */
export class GpInputEncoding {
  readonly names: readonly string[];
  readonly dim: number;
  /** 1 for categorical coordinates (Hamming distance in the kernel), 0 otherwise. */
  readonly isCategorical: Uint8Array;
  readonly kinds: readonly ParamKind[];
  private readonly axes: readonly Axis[];

  constructor(space: SearchSpace) {
    this.names = Object.keys(space);
    this.axes = this.names.map((name) => makeAxis(name, space[name]));
    this.dim = this.axes.length;
    this.kinds = this.axes.map((a) => a.kind);
    this.isCategorical = Uint8Array.from(this.axes, (a) => (a.kind === 'categorical' ? 1 : 0));
  }

  /** Number of grid values (or choices) of coordinate j; Infinity for continuous coordinates. */
  size(j: number): number {
    return this.axes[j].size;
  }

  /** The normalized coordinate of grid value k (0-based) of discrete or categorical coordinate j. */
  gridValue(j: number, k: number): number {
    const a = this.axes[j];
    if (a.kind === 'categorical') return k;
    const d = a.distribution as NumericDistribution;
    return this.normalizeValue(a, d.low + k * a.step);
  }

  /** The index of the grid value (or choice) nearest to normalized coordinate v of coordinate j. */
  gridIndex(j: number, v: number): number {
    const a = this.axes[j];
    if (a.kind === 'categorical') return Math.min(a.size - 1, Math.max(0, Math.round(v)));
    const d = a.distribution as NumericDistribution;
    const value = this.denormalizeValue(a, v);
    return Math.min(a.size - 1, Math.max(0, Math.round((value - d.low) / a.step)));
  }

  /** Whether `params` has a value inside the space for every parameter of it (so that it can be encoded). */
  covers(params: Readonly<Record<string, ParamValue>>): boolean {
    return this.axes.every((a) => {
      if (!(a.name in params)) return false;
      const d = a.distribution;
      const value = params[a.name];
      if (d.type === 'categorical') return d.choices.includes(value as never);
      return typeof value === 'number' && value >= d.low && value <= d.high;
    });
  }

  /** Writes the normalized coordinates of `params` (external values of every parameter) at x[offset…]. */
  encode(params: Readonly<Record<string, ParamValue>>, x: Float64Array, offset = 0): void {
    for (let j = 0; j < this.dim; j++) {
      const a = this.axes[j];
      const internal = toInternal(a.distribution, params[a.name]);
      x[offset + j] = a.kind === 'categorical' ? internal : this.normalizeValue(a, internal);
    }
  }

  /** The external values of the point x[offset…] (clipped to the ranges, snapped to grids, ints rounded). */
  decode(x: ArrayLike<number>, offset = 0): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    for (let j = 0; j < this.dim; j++) {
      const a = this.axes[j];
      const d = a.distribution;
      if (d.type === 'categorical') {
        out[a.name] = toExternal(d, this.gridIndex(j, x[offset + j]));
        continue;
      }
      const v = x[offset + j];
      // The ends map to the bounds exactly (exp(log(low)) need not be low).
      const value =
        v <= 0 ? d.low : v >= 1 ? d.high : Math.min(d.high, Math.max(d.low, this.denormalizeValue(a, v)));
      out[a.name] = toExternal(d, a.kind === 'discrete' ? snapToGrid(d, value) : value);
    }
    return out;
  }

  /** Moves the discrete and categorical coordinates of x[offset…] onto their nearest grid values. */
  snap(x: Float64Array, offset = 0): void {
    for (let j = 0; j < this.dim; j++) {
      if (this.axes[j].kind !== 'continuous')
        x[offset + j] = this.gridValue(j, this.gridIndex(j, x[offset + j]));
    }
  }

  /**
   * Maps a point u of [0, 1)^dim (e.g. a Sobol point) into the space, in place: categorical coordinates become
   * ⌊u K⌋, discrete ones their nearest grid value, continuous ones stay.
   */
  fromUnitCube(u: Float64Array, offset = 0): void {
    for (let j = 0; j < this.dim; j++) {
      const a = this.axes[j];
      if (a.kind === 'categorical') u[offset + j] = Math.min(a.size - 1, Math.floor(u[offset + j] * a.size));
      else if (a.kind === 'discrete') u[offset + j] = this.gridValue(j, this.gridIndex(j, u[offset + j]));
    }
  }

  private normalizeValue(a: Axis, value: number): number {
    const t = a.log ? Math.log(value) : value;
    return (t - a.lo) / (a.hi - a.lo);
  }

  private denormalizeValue(a: Axis, v: number): number {
    const t = a.lo + v * (a.hi - a.lo);
    return a.log ? Math.exp(t) : t;
  }
}

function makeAxis(name: string, d: Distribution): Axis {
  if (d.type === 'categorical') {
    return {
      name,
      distribution: d,
      kind: 'categorical',
      size: d.choices.length,
      lo: 0,
      hi: 0,
      log: false,
      step: 1,
    };
  }
  if (!(d.high > d.low)) {
    throw new InvalidArgumentError(
      `GpSampler: parameter '${name}' has a single value; leave it out of the space.`,
    );
  }
  const step = d.step ?? 0;
  const size = step > 0 ? Math.round((d.high - d.low) / step) + 1 : Infinity;
  // Half a step beyond each end, so that the end values own as much of the axis as the inner ones.
  const low = d.low - 0.5 * step;
  const high = d.high + 0.5 * step;
  return {
    name,
    distribution: d,
    kind: step > 0 ? 'discrete' : 'continuous',
    size,
    lo: d.log ? Math.log(low) : low,
    hi: d.log ? Math.log(high) : high,
    log: d.log,
    step,
  };
}
