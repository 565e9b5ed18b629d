import { createRng } from '../random/rng';
import { hypervolume, hypervolumeWfg } from './hypervolume';

/** Exact count of the unit cells [c, c+1)^d (integer grid, 0 ≤ c < ref) that some point weakly dominates. */
function gridCount(points: number[][], reference: number[]): number {
  const d = reference.length;
  let count = 0;
  const cell = new Array<number>(d).fill(0);
  const visit = (axis: number): void => {
    if (axis === d) {
      if (points.some((p) => p.every((v, i) => v <= cell[i]))) count++;
      return;
    }
    for (let c = 0; c < reference[axis]; c++) {
      cell[axis] = c;
      visit(axis + 1);
    }
  };
  visit(0);
  return count;
}

function randomIntegerFront(seed: number, n: number, d: number, high: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.int(high)));
}

describe('hypervolume', () => {
  it('is the box of a single point, and 0 for no point', () => {
    expect(hypervolume([[1, 2]], [3, 5])).toBe(6);
    expect(hypervolume([[1, 2, 3]], [2, 4, 6])).toBe(6);
    expect(hypervolume([[0, 0, 0, 0]], [1, 2, 3, 4])).toBe(24);
    expect(hypervolume([], [1, 1])).toBe(0);
    expect(hypervolume([[0.5]], [2])).toBe(1.5);
  });

  it('ignores points that do not dominate the reference point strictly in every objective', () => {
    expect(
      hypervolume(
        [
          [5, 0],
          [0, 5],
          [1, 1],
        ],
        [5, 5],
      ),
    ).toBe(16);
    expect(hypervolume([[6, -1]], [5, 5])).toBe(0);
    expect(hypervolume([[0, 0, 7]], [5, 5, 5])).toBe(0);
  });

  it('counts duplicates and dominated points once', () => {
    const front = [
      [1, 3],
      [2, 2],
      [3, 1],
    ];
    const noisy = [...front, [1, 3], [2, 2], [2.5, 2.5], [4, 4]];
    expect(hypervolume(noisy, [4, 4])).toBe(hypervolume(front, [4, 4]));
    expect(hypervolume(front, [4, 4])).toBe(6);
    const front3 = [
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
    ];
    expect(hypervolume([...front3, ...front3, [1, 1, 1]], [2, 2, 2])).toBe(hypervolume(front3, [2, 2, 2]));
  });

  it('matches the area under a line front (2-D) as the front gets dense', () => {
    // n + 1 evenly spaced points on x + y = 1, reference (1, 1): the staircase covers 1/2 - 1/(2n).
    const n = 1000;
    const points = Array.from({ length: n + 1 }, (_, i) => [i / n, 1 - i / n]);
    expect(hypervolume(points, [1, 1])).toBeCloseTo(0.5 - 1 / (2 * n), 12);
  });

  it('matches ZDT1’s analytic hypervolume (f2 = 1 - sqrt f1, reference 11, 11) within the staircase error', () => {
    const n = 20000;
    const points = Array.from({ length: n + 1 }, (_, i) => [i / n, 1 - Math.sqrt(i / n)]);
    const exact = 121 - 1 / 3;
    const hv = hypervolume(points, [11, 11]);
    expect(hv).toBeLessThan(exact);
    expect(exact - hv).toBeLessThan(1e-3);
  });

  it('matches the volume outside the unit sphere octant (DTLZ2’s front) within the staircase error', () => {
    const points: number[][] = [];
    const k = 60;
    for (let i = 0; i <= k; i++) {
      for (let j = 0; j <= k; j++) {
        const a = ((i / k) * Math.PI) / 2;
        const b = ((j / k) * Math.PI) / 2;
        points.push([Math.cos(a) * Math.cos(b), Math.cos(a) * Math.sin(b), Math.sin(a)]);
      }
    }
    const exact = 1.1 ** 3 - Math.PI / 6;
    const hv = hypervolume(points, [1.1, 1.1, 1.1]);
    expect(hv).toBeLessThan(exact);
    expect(exact - hv).toBeLessThan(0.03);
    expect(hypervolumeWfg(points.slice(0, 400), [1.1, 1.1, 1.1])).toBeCloseTo(
      hypervolume(points.slice(0, 400), [1.1, 1.1, 1.1]),
      10,
    );
  });

  it.each([
    [2, 1, 40, 12],
    [2, 2, 200, 30],
    [3, 3, 30, 8],
    [3, 4, 80, 10],
    [4, 5, 25, 6],
    [5, 6, 12, 5],
  ])('equals the exact cell count on small integer fronts (d=%i, seed %i, n=%i)', (d, seed, n, high) => {
    const points = randomIntegerFront(seed, n, d, high);
    const reference = new Array<number>(d).fill(high);
    const expected = gridCount(points, reference);
    expect(hypervolume(points, reference)).toBe(expected);
    expect(hypervolumeWfg(points, reference)).toBe(expected);
  });

  it.each([2, 3])('agrees with WFG on random real-valued %i-D sets', (d) => {
    for (let seed = 0; seed < 20; seed++) {
      const rng = createRng(100 + seed);
      const points = Array.from({ length: 5 + rng.int(60) }, () =>
        Array.from({ length: d }, () => rng.random()),
      );
      // Points near a concave front, so that many are non-dominated.
      const front = points.map((p) => {
        const norm = Math.hypot(...p);
        return p.map((v) => v / norm + 0.05 * rng.random());
      });
      const reference = new Array<number>(d).fill(1.2);
      const fast = hypervolume(front, reference);
      expect(Math.abs(fast - hypervolumeWfg(front, reference))).toBeLessThan(1e-12 * Math.max(1, fast));
    }
  });

  it('refuses a point whose length differs from the reference point', () => {
    expect(() => hypervolume([[1, 2, 3]], [4, 4])).toThrow(/every point needs 2 coordinates/);
    expect(() => hypervolume([[NaN, 1]], [4, 4])).toThrow(/NaN/);
  });
});
