import { Xoshiro128 } from '@tuneforge/core';
import { matmul, rowMajor, transposed, type MatrixView } from './matmul';

/** The textbook triple loop, as the reference. */
function naive(m: number, n: number, k: number, a: MatrixView, b: MatrixView): number[][] {
  const at = (v: MatrixView, i: number, j: number) => v.data[v.offset + i * v.rowStride + j * v.colStride];
  return Array.from({ length: m }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let p = 0; p < k; p++) s += at(a, i, p) * at(b, p, j);
      return s;
    }),
  );
}

function randomArray(rng: Xoshiro128, length: number): Float64Array {
  return Float64Array.from({ length }, () => rng.uniform(-1, 1));
}

describe('matmul', () => {
  it('multiplies a small case exactly', () => {
    const a = Float64Array.from([1, 2, 3, 4, 5, 6]); // 2x3
    const b = Float64Array.from([7, 8, 9, 10, 11, 12]); // 3x2
    const c = new Float64Array(4);
    matmul(2, 2, 3, rowMajor(a, 0, 3), rowMajor(b, 0, 2), rowMajor(c, 0, 2));
    expect([...c]).toEqual([58, 64, 139, 154]);
  });

  // Shapes cover whole 4x4 tiles, right and bottom edges, and sizes below one tile.
  it.each([
    [8, 8, 5],
    [9, 10, 7],
    [3, 2, 4],
    [13, 6, 1],
    [32, 64, 64],
  ])('matches the triple loop for %i x %i (k = %i), with and without transposes', (m, n, k) => {
    const rng = new Xoshiro128(m * 100 + n * 10 + k);
    const aData = randomArray(rng, 3 + m * k);
    const bData = randomArray(rng, 5 + k * n);
    const cases: Array<[MatrixView, MatrixView]> = [
      [rowMajor(aData, 3, k), rowMajor(bData, 5, n)],
      [transposed(aData, 3, m), rowMajor(bData, 5, n)],
      [rowMajor(aData, 3, k), transposed(bData, 5, k)],
      [transposed(aData, 3, m), transposed(bData, 5, k)],
    ];
    for (const [a, b] of cases) {
      // C sits at an offset inside a larger buffer whose other cells must stay untouched.
      const cData = new Float64Array(2 + m * n + 2).fill(Number.NaN);
      matmul(m, n, k, a, b, rowMajor(cData, 2, n));
      const expected = naive(m, n, k, a, b);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) expect(cData[2 + i * n + j]).toBeCloseTo(expected[i][j], 12);
      }
      expect([cData[0], cData[1], cData[2 + m * n], cData[3 + m * n]]).toEqual([NaN, NaN, NaN, NaN]);
    }
  });

  it('overwrites what C held before', () => {
    const c = Float64Array.from([100, 100, 100, 100]);
    matmul(
      2,
      2,
      1,
      rowMajor(Float64Array.from([1, 2]), 0, 1),
      rowMajor(Float64Array.from([3, 4]), 0, 2),
      rowMajor(c, 0, 2),
    );
    expect([...c]).toEqual([3, 4, 6, 8]);
  });
});
