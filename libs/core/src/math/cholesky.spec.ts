import { cholesky } from './cholesky';

// A = L Lᵀ with L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]] (the textbook example).
const A = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
const L = [2, 0, 0, 6, 1, 0, -8, 5, 3];

describe('cholesky', () => {
  it('factors a hand-computed 3×3 matrix exactly, without jitter', () => {
    const { l, jitter } = cholesky(A, 3);
    expect(Array.from(l)).toEqual(L);
    expect(jitter).toBe(0);
  });

  it('reads only the lower triangle and can work in place', () => {
    const a = Float64Array.from(A);
    a[1] = 999; // upper triangle: ignored
    const { l } = cholesky(a, 3, { out: a });
    expect(l).toBe(a);
    expect(Array.from(a)).toEqual(L);
  });

  it('factors 1×1 and 0×0 matrices', () => {
    expect(Array.from(cholesky(Float64Array.of(9), 1).l)).toEqual([3]);
    expect(cholesky(new Float64Array(0), 0).l).toHaveLength(0);
  });

  it('adds jitter to a singular positive semi-definite matrix, and says how much', () => {
    // [[1, 1], [1, 1]] has eigenvalues 2 and 0: the second pivot is 0 without jitter.
    const { l, jitter } = cholesky(Float64Array.of(1, 1, 1, 1), 2);
    expect(jitter).toBeGreaterThan(0);
    expect(jitter).toBeLessThan(1e-6);
    // L Lᵀ = A + jitter I.
    expect(l[0] * l[0]).toBeCloseTo(1 + jitter, 12);
    expect(l[2] * l[0]).toBeCloseTo(1, 12);
    expect(l[2] * l[2] + l[3] * l[3]).toBeCloseTo(1 + jitter, 12);
    expect(l[1]).toBe(0);
  });

  it('retries in place from the original entries', () => {
    const a = Float64Array.of(1, 1, 1, 1);
    const { l, jitter } = cholesky(a, 2, { out: a });
    expect(jitter).toBeGreaterThan(0);
    expect(l[2] * l[0]).toBeCloseTo(1, 12);
  });

  it('refuses an indefinite matrix, with the jitter it tried', () => {
    const indefinite = Float64Array.of(1, 2, 2, 1); // eigenvalues 3 and -1
    expect(() => cholesky(indefinite, 2, { maxJitterTries: 0 })).toThrow(
      'cholesky: the matrix is not positive definite, even with 0.0e+0 added to its diagonal',
    );
    expect(() => cholesky(indefinite, 2)).toThrow('even with 1.0e-5 added to its diagonal');
  });

  it('checks its arguments', () => {
    expect(() => cholesky(A, 2)).toThrow('cholesky: the matrix must hold n × n = 4 entries, got 9');
    expect(() => cholesky(Float64Array.of(NaN), 1)).toThrow('non-finite diagonal entry NaN at 0');
    expect(() => cholesky(A, 3, { maxJitterTries: -1 })).toThrow('maxJitterTries must be an integer >= 0');
    expect(() => cholesky(A, 3, { out: new Float64Array(4) })).toThrow('out must hold n × n = 9 entries');
  });
});
