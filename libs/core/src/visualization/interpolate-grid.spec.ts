import { interpolateGrid } from './interpolate-grid';

describe('interpolateGrid', () => {
  const points = [
    { u: 0, v: 0, value: 0 },
    { u: 1, v: 0, value: 10 },
    { u: 0, v: 1, value: 20 },
    { u: 1, v: 1, value: 30 },
  ];

  it('is exact at the data points and symmetric between them', () => {
    const z = interpolateGrid(points, [0, 0.5, 1], [0, 0.5, 1]);
    expect(z[0][0]).toBe(0);
    expect(z[0][2]).toBe(10);
    expect(z[2][0]).toBe(20);
    expect(z[2][2]).toBe(30);
    // The centre is equidistant from the four corners: their mean.
    expect(z[1][1]).toBeCloseTo(15, 12);
  });

  it('stays within the range of the data', () => {
    const z = interpolateGrid(points, [0.1, 0.3, 0.7, 0.9], [0.2, 0.8]).flat();
    for (const v of z) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(30);
    }
  });

  it('averages points that share a node', () => {
    const z = interpolateGrid(
      [
        { u: 0.5, v: 0.5, value: 1 },
        { u: 0.5, v: 0.5, value: 3 },
        { u: 0, v: 0, value: 100 },
      ],
      [0.5],
      [0.5],
    );
    expect(z).toEqual([[2]]);
  });

  it('refuses an empty set of points', () => {
    expect(() => interpolateGrid([], [0], [0])).toThrow('interpolateGrid needs at least one point');
  });
});
