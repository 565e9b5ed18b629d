import { erfc } from './erfc';
import { normalCdf } from './normal-cdf';
import { normalPpf } from './normal-ppf';

// Reference values from scipy.special.erfc and scipy.stats.norm (double precision).
describe('erfc', () => {
  it.each([
    [-5, 1.9999999999984626],
    [-1, 1.8427007929497148],
    [0, 1],
    [0.1, 0.8875370839817152],
    [1, 0.15729920705028516],
    [1.9, 0.007209570764742531],
    [2, 0.004677734981047266],
    [2.9, 4.109787809945884e-5],
    [5, 1.5374597944280347e-12],
    [8, 1.1224297172982928e-29],
    [26, 5.663192408856145e-296],
  ])('erfc(%p) = %p to 1e-13 relative', (x, want) => {
    expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-13);
  });

  it('is 0 where e^(−x²) underflows and NaN for NaN', () => {
    expect(erfc(40)).toBe(0);
    expect(erfc(-40)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
  });
});

describe('normalCdf', () => {
  it('matches scipy.stats.norm.cdf, lower tail included', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300933, 16);
    expect(normalCdf(1.5)).toBeCloseTo(0.9331927987311419, 15);
    expect(Math.abs(normalCdf(-8) - 6.22096057427174e-16) / 6.22096057427174e-16).toBeLessThan(1e-12);
  });
});

describe('normalPpf', () => {
  it.each([
    [1e-12, -7.034483825301131],
    [1e-5, -4.264890793922825],
    [0.01, -2.3263478740408408],
    [0.3, -0.5244005127080409],
    [0.5, 0],
    [0.975, 1.959963984540054],
    [1 - 1e-9, 5.997807019601637],
  ])('Φ⁻¹(%p) = %p', (p, want) => {
    expect(normalPpf(p)).toBeCloseTo(want, 12);
  });

  it('inverts normalCdf and maps 0 and 1 to ∓∞', () => {
    for (const x of [-6, -2.5, -0.1, 0.7, 3.3]) expect(normalPpf(normalCdf(x))).toBeCloseTo(x, 10);
    expect(normalPpf(0)).toBe(-Infinity);
    expect(normalPpf(1)).toBe(Infinity);
  });

  it('rejects what is not a probability', () => {
    expect(() => normalPpf(1.5)).toThrow('p must be a probability in [0, 1], got 1.5');
    expect(() => normalPpf(NaN)).toThrow('got NaN');
  });
});
