import { cholesky } from './cholesky';
import { choleskyInverse } from './cholesky-inverse';

describe('choleskyInverse', () => {
  it('inverts the textbook 3×3 matrix from its factor (hand-computed inverse)', () => {
    const a = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
    const inv = choleskyInverse(cholesky(a, 3).l, 3);
    // A⁻¹ = [[1777, −488, 76], [−488, 136, −20], [76, −20, 4]] / 36.
    const expected = [1777, -488, 76, -488, 136, -20, 76, -20, 4].map((v) => v / 36);
    expected.forEach((v, i) => expect(inv[i]).toBeCloseTo(v, 10));
  });

  it('gives A A⁻¹ = I for a kernel-like matrix', () => {
    const n = 5;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) a[i * n + j] = Math.exp(-0.5 * (i - j) ** 2) + (i === j ? 0.1 : 0);
    const inv = choleskyInverse(cholesky(a, n).l, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k] * inv[k * n + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('checks its arguments', () => {
    const l = Float64Array.of(2);
    expect(() => choleskyInverse(l, 1, l)).toThrow('out must be a separate array of n × n = 1 entries');
    expect(() => choleskyInverse(l, 2)).toThrow('L must hold n × n = 4 entries, got 1');
  });
});
