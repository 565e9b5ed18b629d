import { HaltonSequence } from './halton';

describe('HaltonSequence', () => {
  it('gives the radical inverses in bases 2, 3, 5 … when plain (as scipy.stats.qmc.Halton)', () => {
    const seq = new HaltonSequence(null);
    expect([0, 1, 2, 3, 4].map((i) => seq.coordinate(i, 0))).toEqual([0, 0.5, 0.25, 0.75, 0.125]);
    expect([0, 1, 2, 3, 4].map((i) => seq.coordinate(i, 1))).toEqual([0, 1 / 3, 2 / 3, 1 / 9, 4 / 9]);
    expect(seq.coordinate(7, 2)).toBeCloseTo(2 / 5 + 1 / 25, 15);
    // Dimension 9 uses the tenth prime, 29.
    expect(seq.coordinate(1, 9)).toBeCloseTo(1 / 29, 15);
  });

  it('stratifies each axis: b^k points put one point in each b^-k cell, scrambled or not', () => {
    for (const seed of [null, 3]) {
      const seq = new HaltonSequence(seed);
      for (const [dim, base] of [
        [0, 2],
        [1, 3],
        [3, 7],
      ]) {
        const n = base ** 2;
        const cells = new Array<number>(n).fill(0);
        // Plain points sit on the cell edges k/b^2: nudge them past the rounding of 1/3, 1/7 …
        for (let i = 0; i < n; i++) cells[Math.floor(seq.coordinate(i, dim) * n + 1e-9)]++;
        expect(cells.every((c) => c === 1)).toBe(true);
      }
    }
  });

  it('keeps scrambled points in [0, 1), reproducible for a seed and whatever the order of first use', () => {
    const a = new HaltonSequence(11);
    const late = a.coordinate(5, 4);
    const b = new HaltonSequence(11);
    expect(b.coordinate(0, 0)).not.toBe(0);
    expect(b.coordinate(5, 4)).toBe(late);
    for (let i = 0; i < 300; i++) {
      for (let d = 0; d < 5; d++) {
        const u = a.coordinate(i, d);
        expect(u >= 0 && u < 1).toBe(true);
      }
    }
    expect(new HaltonSequence(12).coordinate(5, 4)).not.toBe(late);
  });
});
