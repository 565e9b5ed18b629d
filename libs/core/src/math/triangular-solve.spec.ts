import { solveLower, solveLowerTransposed } from './triangular-solve';

const L = Float64Array.from([2, 0, 0, 6, 1, 0, -8, 5, 3]);

describe('solveLower', () => {
  it('solves L x = b by forward substitution (hand-computed)', () => {
    // x0 = 2/2 = 1, x1 = (7 − 6·1)/1 = 1, x2 = (4 + 8·1 − 5·1)/3 = 7/3.
    const x = solveLower(L, 3, Float64Array.of(2, 7, 4));
    expect(x[0]).toBe(1);
    expect(x[1]).toBe(1);
    expect(x[2]).toBeCloseTo(7 / 3, 15);
  });

  it('works in place', () => {
    const b = Float64Array.of(2, 7, 4);
    expect(solveLower(L, 3, b, b)).toBe(b);
    expect(b[1]).toBe(1);
  });
});

describe('solveLowerTransposed', () => {
  it('solves Lᵀ x = b by back substitution (hand-computed)', () => {
    // Lᵀ [1, 2, 3] = [2 + 12 − 24, 2 + 15, 9] = [−10, 17, 9].
    const b = Float64Array.of(-10, 17, 9);
    expect(Array.from(solveLowerTransposed(L, 3, b))).toEqual([1, 2, 3]);
    expect(Array.from(b)).toEqual([-10, 17, 9]);
    expect(Array.from(solveLowerTransposed(L, 3, b, b))).toEqual([1, 2, 3]);
  });

  it('solves (L Lᵀ) x = b with the two halves', () => {
    // A = L Lᵀ = [[4, 12, −16], [12, 37, −43], [−16, −43, 98]]; A [1, 1, 1] = [0, 6, 39].
    const y = solveLower(L, 3, Float64Array.of(0, 6, 39));
    const x = solveLowerTransposed(L, 3, y);
    for (const v of x) expect(v).toBeCloseTo(1, 12);
  });

  it('checks the sizes', () => {
    expect(() => solveLower(L, 4, new Float64Array(4))).toThrow(
      'solveLower: L must hold n × n = 16 entries, got 9',
    );
    expect(() => solveLowerTransposed(L, 3, new Float64Array(2))).toThrow(
      'solveLowerTransposed: b must hold n = 3 entries, got 2',
    );
  });
});
