import { erf, erfc, logGaussMass, logNdtr, ndtr, ndtri } from './standard-normal';

// Reference values from scipy.special 1.17 (erf, erfc, ndtr, log_ndtr, ndtri).
describe('the standard normal of the Parzen estimators (standard-normal.ts)', () => {
  it('computes erf and erfc to double precision, erfc relatively deep in the tail', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erf(-1.1)).toBeCloseTo(-0.8802050695740817, 15);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 15);
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 15);
    expect(erfc(-2)).toBeCloseTo(1.9953222650189528, 15);
    expect(erfc(10) / 2.088487583762545e-45).toBeCloseTo(1, 12);
  });

  it('computes Φ and log Φ, with the asymptotic series far in the left tail', () => {
    expect(ndtr(0)).toBe(0.5);
    expect(ndtr(-1.3)).toBeCloseTo(0.09680048458561036, 15);
    expect(ndtr(2.9)).toBeCloseTo(0.998134186699616, 15);
    expect(logNdtr(-3)).toBeCloseTo(-6.60772622151035, 13);
    expect(logNdtr(-30)).toBeCloseTo(-454.32124395634327, 10);
    expect(logNdtr(-40)).toBeCloseTo(-804.6084420137538, 10);
    expect(logNdtr(5.9) / -1.817507864751091e-9).toBeCloseTo(1, 12);
  });

  it('inverts Φ to full precision, including the far tail', () => {
    for (const p of [1e-300, 1e-20, 1e-5, 0.02425, 0.3, 0.5, 0.7, 0.99]) {
      expect(ndtr(ndtri(p)) / p).toBeCloseTo(1, 12);
    }
    expect(ndtri(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(ndtri(0)).toBe(-Infinity);
    expect(ndtri(1)).toBe(Infinity);
  });

  it('computes the log mass of an interval in both tails without cancellation', () => {
    expect(logGaussMass(-1, 1)).toBeCloseTo(-0.381715146302126, 14);
    expect(logGaussMass(2, 3)).toBeCloseTo(-3.844353426334205, 13);
    expect(logGaussMass(38, 40)).toBeCloseTo(-726.5572160188201, 9);
    expect(logGaussMass(-40, -38)).toBeCloseTo(-726.5572160188201, 9);
  });
});
