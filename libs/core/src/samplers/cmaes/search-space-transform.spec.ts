import { floatDistribution, intDistribution } from '../../distributions';
import { SearchSpaceTransform } from './search-space-transform';

describe('SearchSpaceTransform', () => {
  const space = {
    x: floatDistribution(-5, 5),
    lr: floatDistribution(1e-4, 1, { log: true }),
    n: intDistribution(1, 4),
    s: floatDistribution(0, 1, { step: 0.25 }),
    w: intDistribution(8, 1024, { log: true }),
  };
  const t = new SearchSpaceTransform(space);

  it('orders coordinates by name and maps floats linearly (log ones on the log scale) onto [0, 1]', () => {
    expect(t.names).toEqual(['lr', 'n', 's', 'w', 'x']);
    const u = t.toUnit({ x: 2.5, lr: 1e-2, n: 1, s: 0.5, w: 8 });
    expect(u[0]).toBeCloseTo(0.5, 15);
    expect(u[4]).toBe(0.75);
    expect(u[1]).toBe(0.125);
    expect(u[2]).toBe(0.5);
  });

  it('comes back onto the grid and into the box', () => {
    expect(t.fromUnit([0.5, 0.4, 0.55, 0, 1.7])).toEqual({
      lr: expect.closeTo(1e-2, 15),
      n: 2,
      s: 0.5,
      w: 8,
      x: 5,
    });
    expect(t.fromUnit([-1, -9, 9, 9, -0.1])).toEqual({ lr: 1e-4, n: 1, s: 1, w: 1024, x: -5 });
    const back = t.fromUnit(t.toUnit({ x: -1.25, lr: 0.3, n: 3, s: 0.75, w: 100 }));
    expect(back).toEqual({ x: -1.25, lr: expect.closeTo(0.3, 14), n: 3, s: 0.75, w: 100 });
  });

  it('describes the discrete coordinates for the margin, and identifies the space by a key', () => {
    expect(t.discreteAxes).toEqual([
      null,
      { low: 1, step: 1, count: 4, log: false },
      { low: 0, step: 0.25, count: 5, log: false },
      { low: 8, step: 1, count: 1017, log: true },
      null,
    ]);
    expect(new SearchSpaceTransform({ ...space }).key).toBe(t.key);
    expect(new SearchSpaceTransform({ ...space, x: floatDistribution(-5, 6) }).key).not.toBe(t.key);
  });
});
