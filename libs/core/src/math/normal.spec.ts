import { erf, erfc } from './erfc';
import { normalCdf } from './normal-cdf';
import { normalPpf } from './normal-ppf';

// Reference values from scipy.special 1.17 (erf, erfc, ndtr, ndtri) and, past x = 6 where scipy's erfc
// loses digits, mpmath at 40 digits.
describe('erf and erfc', () => {
  it('computes erf to double precision on every branch', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erf(-1.1)).toBeCloseTo(-0.8802050695740817, 15);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 15);
    expect(erf(7)).toBe(1);
    expect(erf(NaN)).toBeNaN();
  });

  it.each([
    [-5, 1.9999999999984626],
    [-2, 1.9953222650189528],
    [-1, 1.8427007929497148],
    [0, 1],
    [0.1, 0.8875370839817152],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028516],
    [1.5, 0.033894853524689274],
    [1.9, 0.007209570764742531],
    [2.9, 4.109787809945884e-5],
    [3.5, 7.430983723414128e-7],
    [6.5, 3.8421483271206475e-20],
    [10, 2.0884875837625446e-45],
    [20, 5.395865611607901e-176],
    [26, 5.663192408856143e-296],
  ])('erfc(%p) = %p to 1e-15 relative, deep in the tail too', (x, want) => {
    expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-15);
  });

  it('is 0 where e^(−x²) underflows and NaN for NaN', () => {
    expect(erfc(40)).toBe(0);
    expect(erfc(-40)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
  });
});

describe('normalCdf', () => {
  it('matches scipy.special.ndtr, relatively in the lower tail', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-1.3)).toBeCloseTo(0.09680048458561036, 16);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300933, 16);
    expect(normalCdf(1.5)).toBeCloseTo(0.9331927987311419, 15);
    expect(normalCdf(2.9)).toBeCloseTo(0.998134186699616, 15);
    expect(Math.abs(normalCdf(-8) - 6.22096057427174e-16) / 6.22096057427174e-16).toBeLessThan(1e-13);
    expect(Math.abs(normalCdf(-30) - 4.906713927147908e-198) / 4.906713927147908e-198).toBeLessThan(1e-12);
  });
});

describe('normalPpf', () => {
  it.each([
    [1e-300, -37.0470962993612],
    [1e-20, -9.262340089798409],
    [1e-12, -7.034483825301131],
    [1e-5, -4.264890793922825],
    [0.01, -2.3263478740408408],
    [0.02425, -1.972961051311885],
    [0.3, -0.5244005127080409],
    [0.5, 0],
    [0.975, 1.959963984540054],
    [1 - 1e-9, 5.997807019601637],
  ])('Φ⁻¹(%p) = %p', (p, want) => {
    expect(normalPpf(p)).toBeCloseTo(want, 12);
  });

  it('inverts normalCdf and maps 0 and 1 to ∓∞', () => {
    for (const x of [-6, -2.5, -0.1, 0.7, 3.3]) expect(normalPpf(normalCdf(x))).toBeCloseTo(x, 10);
    for (const p of [1e-300, 1e-20, 1e-5, 0.02425, 0.3, 0.5])
      expect(normalCdf(normalPpf(p)) / p).toBeCloseTo(1, 12);
    expect(normalPpf(0)).toBe(-Infinity);
    expect(normalPpf(1)).toBe(Infinity);
  });

  it('rejects what is not a probability', () => {
    expect(() => normalPpf(1.5)).toThrow('p must be a probability in [0, 1], got 1.5');
    expect(() => normalPpf(NaN)).toThrow('got NaN');
  });
});
