import { InvalidArgumentError } from '../../errors';
import { dasDennisPoints } from './reference-points';

/** C(n, k). */
function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

describe('dasDennisPoints', () => {
  it.each([
    [2, 3, 4],
    [3, 3, 10],
    [3, 12, 91],
    [5, 4, 70],
    [1, 3, 1],
  ])('%i objectives, %i divisions: C(M + p - 1, p) = %i distinct points', (m, p, count) => {
    const points = dasDennisPoints(m, p);
    expect(points).toHaveLength(count);
    expect(count).toBe(choose(m + p - 1, p));
    expect(new Set(points.map((x) => x.join(','))).size).toBe(count);
  });

  it('puts every point on the unit simplex, with coordinates that are multiples of 1/p', () => {
    for (const point of dasDennisPoints(4, 5)) {
      expect(point).toHaveLength(4);
      expect(point.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      for (const x of point) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(Math.abs(x * 5 - Math.round(x * 5))).toBeLessThan(1e-12);
      }
    }
  });

  it('gives the 2-objective points of p = 3 in order', () => {
    expect(dasDennisPoints(2, 3)).toEqual([
      [0, 1],
      [1 / 3, 2 / 3],
      [2 / 3, 1 / 3],
      [1, 0],
    ]);
  });

  it('refuses a non-integer or zero count, naming it', () => {
    expect(() => dasDennisPoints(3, 0)).toThrow(InvalidArgumentError);
    expect(() => dasDennisPoints(3, 2.5)).toThrow(/dividingParameter must be an integer >= 1, got 2.5/);
    expect(() => dasDennisPoints(0, 3)).toThrow(/number of objectives/);
  });
});
