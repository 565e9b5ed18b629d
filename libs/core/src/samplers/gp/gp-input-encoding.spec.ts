import { categoricalDistribution, floatDistribution, intDistribution } from '../../distributions';
import { GpInputEncoding } from './gp-input-encoding';

describe('GpInputEncoding', () => {
  const space = new GpInputEncoding({
    c: categoricalDistribution(['a', 'b', 'c']),
    i: intDistribution(1, 4),
    lr: floatDistribution(1e-4, 1, { log: true }),
    s: floatDistribution(0, 1, { step: 0.25 }),
    x: floatDistribution(-5, 5),
    w: intDistribution(8, 1024, { log: true }),
  });

  it('classifies the coordinates', () => {
    expect(space.names).toEqual(['c', 'i', 'lr', 's', 'x', 'w']);
    expect(space.kinds).toEqual([
      'categorical',
      'discrete',
      'continuous',
      'discrete',
      'continuous',
      'discrete',
    ]);
    expect(Array.from(space.isCategorical)).toEqual([1, 0, 0, 0, 0, 0]);
    expect([0, 1, 2, 3, 4, 5].map((j) => space.size(j))).toEqual([3, 4, Infinity, 5, Infinity, 1017]);
  });

  it('normalizes: ints widened by half a step, logs by their logarithm, categoricals by index', () => {
    const x = new Float64Array(6);
    space.encode({ c: 'b', i: 2, lr: 1e-2, s: 0.75, x: 2.5, w: 8 }, x);
    expect(x[0]).toBe(1);
    expect(x[1]).toBeCloseTo(0.375, 15); // (2 − 0.5)/(4.5 − 0.5)
    expect(x[2]).toBeCloseTo(0.5, 15); // log10 halfway between 1e-4 and 1
    expect(x[3]).toBeCloseTo(0.7, 15); // (0.75 + 0.125)/1.25
    expect(x[4]).toBeCloseTo(0.75, 15);
    expect(x[5]).toBeCloseTo((Math.log(8) - Math.log(7.5)) / (Math.log(1024.5) - Math.log(7.5)), 15);
  });

  it('decodes with clipping, grid snapping and rounding', () => {
    expect(space.decode([2.2, 0.99, 0, 0.33, 1.2, 0.5])).toEqual({
      c: 'c',
      i: 4,
      lr: 1e-4,
      s: 0.25,
      x: 5,
      w: Math.round(Math.exp((Math.log(7.5) + Math.log(1024.5)) / 2)),
    });
    const x = new Float64Array(6);
    const params = { c: 'a', i: 3, lr: 0.003, s: 1, x: -4.2, w: 100 };
    space.encode(params, x);
    const back = space.decode(x);
    expect(back.lr).toBeCloseTo(0.003, 15);
    expect(back.x).toBeCloseTo(-4.2, 14);
    expect({ ...back, lr: 0, x: 0 }).toEqual({ ...params, lr: 0, x: 0 });
  });

  it('snaps discrete coordinates and maps unit-cube points onto grids', () => {
    const u = Float64Array.of(0.999, 0.3, 0.3, 0.3, 0.3, 0.3);
    space.fromUnitCube(u);
    expect(u[0]).toBe(2);
    expect(u[1]).toBeCloseTo(space.gridValue(1, 1), 15); // 0.3 → value 1.7 → 2 → index 1
    expect(u[2]).toBe(0.3);
    expect(space.gridIndex(3, u[3])).toBe(1);
    const v = Float64Array.from(u);
    space.snap(v);
    expect(Array.from(v)).toEqual(Array.from(u));
    expect(space.gridValue(1, 0)).toBeCloseTo(0.125, 15);
  });

  it('refuses single-valued parameters', () => {
    expect(() => new GpInputEncoding({ a: floatDistribution(1, 1) })).toThrow(
      "GpSampler: parameter 'a' has a single value; leave it out of the space.",
    );
  });
});
