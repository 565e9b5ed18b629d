import { SobolSequence, sobolDirectionNumbers, SOBOL_MAX_DIMENSION } from './sobol';

/** How many of the first 2^k points fall in each of the 2^k equal cells of one axis. */
function cellCounts(seq: SobolSequence, k: number, dim: number): number[] {
  const cells = new Array<number>(2 ** k).fill(0);
  for (let i = 0; i < 2 ** k; i++) cells[Math.floor(seq.coordinate(i, dim) * 2 ** k)]++;
  return cells;
}

describe('SobolSequence', () => {
  it('starts the plain 2-D sequence with the known points (Gray-code order, as scipy.stats.qmc.Sobol)', () => {
    const seq = new SobolSequence(null);
    expect(Array.from({ length: 8 }, (_, i) => seq.point(i, 2))).toEqual([
      [0, 0],
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.375, 0.375],
      [0.875, 0.875],
      [0.625, 0.125],
      [0.125, 0.625],
    ]);
  });

  it('matches scipy.stats.qmc.Sobol(scramble=False) in high dimensions', () => {
    const seq = new SobolSequence(null);
    // Points 1, 2, 3 and 299 in dimensions 5, 100 and 1023 (0-based).
    expect([1, 2, 3].map((i) => [5, 100, 1023].map((d) => seq.coordinate(i, d)))).toEqual([
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.75],
      [0.25, 0.75, 0.25],
    ]);
    expect(seq.coordinate(299, 5)).toBe(0.904296875);
    expect(seq.coordinate(299, 1023)).toBe(0.072265625);
  });

  it('builds direction numbers from the Joe–Kuo table: row "4 3 1 1 3 1" is x³ + x + 1 with m = 1, 3, 1', () => {
    const v = sobolDirectionNumbers(3);
    expect([v[0], v[1], v[2]].map((x) => x / 2 ** 32)).toEqual([1 / 2, 3 / 4, 1 / 8]);
    // v_4 = a_1 v_3 ⊕ a_2 v_2 ⊕ v_1 ⊕ (v_1 ≫ 3) with (a_1, a_2) = (0, 1): 0.1b ⊕ 0.11b ⊕ 0.0001b = 0.0101b.
    expect(v[3] / 2 ** 32).toBe(5 / 16);
    // The first dimension has every m_j = 1: v_j = 2^-j.
    expect(Array.from(sobolDirectionNumbers(0).slice(0, 3), (x) => x / 2 ** 32)).toEqual([
      1 / 2,
      1 / 4,
      1 / 8,
    ]);
    expect(() => sobolDirectionNumbers(SOBOL_MAX_DIMENSION)).toThrow(
      'Sobol dimension must be an integer in [0, 1024)',
    );
  });

  it.each([null, 1, 2024])(
    'puts exactly one of the first 2^k points in each 2^-k cell of each axis (scramble seed %p)',
    (seed) => {
      const seq = new SobolSequence(seed);
      for (let dim = 0; dim < 12; dim++) {
        for (const k of [1, 2, 5, 8]) expect(cellCounts(seq, k, dim).every((c) => c === 1)).toBe(true);
      }
    },
  );

  it.each([null, 5])(
    'balances every 2^a × 2^b box of the first two axes over 2^(a+b) points (scramble seed %p)',
    (seed) => {
      const seq = new SobolSequence(seed);
      const k = 6;
      for (let a = 0; a <= k; a++) {
        const b = k - a;
        const boxes = new Map<string, number>();
        for (let i = 0; i < 2 ** k; i++) {
          const key = `${Math.floor(seq.coordinate(i, 0) * 2 ** a)},${Math.floor(seq.coordinate(i, 1) * 2 ** b)}`;
          boxes.set(key, (boxes.get(key) ?? 0) + 1);
        }
        expect(boxes.size).toBe(2 ** k);
      }
    },
  );

  it('keeps scrambled points in [0, 1) and is reproducible for a seed, different across seeds', () => {
    const a = new SobolSequence(7);
    const points = Array.from({ length: 500 }, (_, i) => a.point(i, 6));
    for (const p of points) for (const u of p) expect(u >= 0 && u < 1).toBe(true);
    expect(Array.from({ length: 500 }, (_, i) => new SobolSequence(7).point(i, 6))).toEqual(points);
    expect(new SobolSequence(8).point(0, 6)).not.toEqual(points[0]);
    // The scramble of a dimension does not depend on which dimensions were used first.
    expect(new SobolSequence(7).coordinate(3, 5)).toBe(points[3][5]);
  });

  it('freezes the first scrambled points of seed 7', () => {
    const seq = new SobolSequence(7);
    expect([0, 1, 2, 3].map((i) => seq.point(i, 3))).toEqual([
      [0.8566182672511786, 0.23869208432734013, 0.9108685925602913],
      [0.36983791505917907, 0.6534269743133336, 0.1968063188251108],
      [0.2328792572952807, 0.4618587400764227, 0.5798427688423544],
      [0.7440661636646837, 0.9233444959390908, 0.30956806940957904],
    ]);
  });

  it('refuses an index outside [0, 2^32)', () => {
    expect(() => new SobolSequence(null).coordinate(-1, 0)).toThrow(
      'Sobol index must be an integer in [0, 2^32)',
    );
    expect(() => new SobolSequence(null).coordinate(2 ** 32, 0)).toThrow('got 4294967296');
  });
});
