import { Xoshiro128 } from '../random/rng';
import { symmetricEigen } from './symmetric-eigen';

function reconstruct(values: Float64Array, vectors: Float64Array, n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k] * values[k] * vectors[j * n + k];
      a[i * n + j] = s;
    }
  }
  return a;
}

describe('symmetricEigen', () => {
  it('finds the eigenpairs of a 2×2 matrix by hand: [[2, 1], [1, 2]] has 1 along (1, −1) and 3 along (1, 1)', () => {
    const { values, vectors } = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    // Columns, up to sign.
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[0] * vectors[2]).toBeCloseTo(-0.5, 14);
    expect(vectors[1] * vectors[3]).toBeCloseTo(0.5, 14);
  });

  it('matches numpy.linalg.eigh on a 3×3 matrix', () => {
    const { values } = symmetricEigen(new Float64Array([4, 1, 2, 1, 3, 0.5, 2, 0.5, 5]), 3);
    expect(Array.from(values)).toEqual([
      expect.closeTo(2.0965216172967196, 13),
      expect.closeTo(3.072223952005075, 13),
      expect.closeTo(6.831254430698206, 13),
    ]);
  });

  it('decomposes random symmetric matrices: A = B diag(λ) Bᵀ, Bᵀ B = I, λ ascending', () => {
    const rng = new Xoshiro128(11);
    for (const n of [1, 4, 10, 25]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          const v = rng.normal();
          a[i * n + j] = v;
          a[j * n + i] = v;
        }
      }
      const { values, vectors } = symmetricEigen(a, n);
      const back = reconstruct(values, vectors, n);
      for (let i = 0; i < n * n; i++) expect(back[i]).toBeCloseTo(a[i], 11);
      for (let p = 0; p < n; p++) {
        for (let q = 0; q < n; q++) {
          let dot = 0;
          for (let k = 0; k < n; k++) dot += vectors[k * n + p] * vectors[k * n + q];
          expect(dot).toBeCloseTo(p === q ? 1 : 0, 12);
        }
      }
      for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
    }
  });

  it('leaves a diagonal matrix as it is and reads only the upper triangle', () => {
    const { values, vectors } = symmetricEigen(new Float64Array([3, 0, 0, 99, 1, 0, 99, 99, 2]), 3);
    expect(Array.from(values)).toEqual([1, 2, 3]);
    expect(Array.from(vectors)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it('rejects a wrong size or a non-finite entry, saying which', () => {
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow('must hold n*n = 4 numbers');
    expect(() => symmetricEigen(new Float64Array([1, NaN, NaN, 1]), 2)).toThrow('a[0][1] is not finite');
    expect(() => symmetricEigen(new Float64Array(0), 0)).toThrow('n must be an integer >= 1');
  });
});
