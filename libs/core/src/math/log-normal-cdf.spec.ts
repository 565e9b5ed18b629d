import { logNormalCdf } from './log-normal-cdf';

// Reference values from scipy.special.log_ndtr (double precision).
describe('logNormalCdf', () => {
  it.each([
    [-40, -804.6084420137539],
    [-10, -53.23128515051248],
    [-3, -6.60772622151035],
    [-1, -1.8410216450092634],
    [0, -0.6931471805599453],
    [1, -0.1727537790234499],
    [5, -2.8665161296376294e-7],
    [10, -7.61985302416047e-24],
  ])('log Φ(%p) = %p to 1e-12 relative', (z, want) => {
    expect(Math.abs(logNormalCdf(z) - want) / Math.abs(want)).toBeLessThan(1e-12);
  });

  it('has the derivative φ/Φ (against central differences) on both sides of 0 and in the far tail', () => {
    const dz = new Float64Array(1);
    for (const z of [-30, -6, -2, -0.5, 0, 0.7, 3, 8]) {
      logNormalCdf(z, dz);
      const h = 1e-6;
      const numeric = (logNormalCdf(z + h) - logNormalCdf(z - h)) / (2 * h);
      expect(Math.abs(dz[0] - numeric)).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
    }
  });

  it('is NaN for NaN', () => {
    expect(logNormalCdf(NaN)).toBeNaN();
  });
});
