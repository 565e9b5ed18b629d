import { snapToGrid, toInternal, type NumericDistribution, type ParamValue } from '../../distributions';
import type { SearchSpace } from '../sampler';
import type { DiscreteAxisSpec } from './discrete-axis';
import { DiscreteAxis } from './discrete-axis';

interface Coordinate {
  name: string;
  distribution: NumericDistribution;
  /** Set for ints and stepped floats. */
  axis: DiscreteAxis | null;
  /** Continuous coordinates: the interval [lo, hi] (on the log scale for log ones) that maps onto [0, 1]. */
  lo: number;
  hi: number;
}

/**
 * Maps a numeric search space onto the unit cube where CMA-ES works, one coordinate per parameter in
 * name order: a float goes linearly (its logarithm for log floats) from [low, high] to [0, 1]; an int
 * or a stepped float is a DiscreteAxis whose values share the unit interval equally (on the log scale
 * for log ints). Back from the cube, a coordinate is clipped into the box and snapped onto the grid.
 */
export class SearchSpaceTransform {
  readonly names: readonly string[];
  /** Identifies the space: two transforms with the same key map the same way. */
  readonly key: string;
  private readonly coords: Coordinate[];

  constructor(space: SearchSpace) {
    this.names = Object.keys(space).sort();
    this.coords = this.names.map((name) => {
      const d = space[name];
      if (d.type === 'categorical') {
        throw new RangeError(`'${name}' is categorical; CMA-ES handles numeric parameters only`);
      }
      const f = (v: number) => (d.log ? Math.log(v) : v);
      const step = d.type === 'int' ? d.step : d.step;
      if (step !== null) {
        const count = Math.round((d.high - d.low) / step) + 1;
        return {
          name,
          distribution: d,
          axis: new DiscreteAxis({ low: d.low, step, count, log: d.log }),
          lo: 0,
          hi: 1,
        };
      }
      return { name, distribution: d, axis: null, lo: f(d.low), hi: f(d.high) };
    });
    this.key = JSON.stringify(this.names.map((n) => [n, space[n]]));
  }

  get dim(): number {
    return this.coords.length;
  }

  /** The discrete axes (null for continuous coordinates), for CMA-ES with Margin. */
  get discreteAxes(): (DiscreteAxisSpec | null)[] {
    return this.coords.map((c) => (c.axis ? { ...c.axis.spec } : null));
  }

  /** External values → unit coordinates (a missing or non-numeric value gives NaN). */
  toUnit(params: Readonly<Record<string, ParamValue>>): Float64Array {
    return Float64Array.from(this.coords, (c) => {
      const v = params[c.name];
      if (typeof v !== 'number' || !Number.isFinite(v)) return NaN;
      const internal = toInternal(c.distribution, v);
      if (c.axis) return c.axis.value(c.axis.indexOf(internal));
      const t = c.distribution.log ? Math.log(internal) : internal;
      return (t - c.lo) / (c.hi - c.lo);
    });
  }

  /** Unit coordinates → external values, inside the box and on the grid. */
  fromUnit(u: ArrayLike<number>): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    this.coords.forEach((c, i) => {
      const d = c.distribution;
      if (c.axis) {
        const k = c.axis.position(u[i]);
        const step = d.type === 'int' ? d.step : (d.step as number);
        out[c.name] = snapToGrid(d, d.low + k * step);
        return;
      }
      const t = c.lo + u[i] * (c.hi - c.lo);
      const v = d.log ? Math.exp(t) : t;
      out[c.name] = Math.min(d.high, Math.max(d.low, v));
    });
    return out;
  }
}
