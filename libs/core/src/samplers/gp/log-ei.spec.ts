import { logEi } from './log-ei';

/** EI of N(mean, σ²) over f* by the closed form σ(zΦ(z) + φ(z)), with Φ by Simpson integration. */
function directEi(mean: number, variance: number, threshold: number): number {
  const sigma = Math.sqrt(variance);
  const z = (mean - threshold) / sigma;
  const phi = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  const lo = -12;
  const steps = 20000;
  const h = (z - lo) / steps;
  let s = phi(lo) + phi(z);
  for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * phi(lo + i * h);
  return sigma * (z * ((s * h) / 3) + phi(z));
}

describe('logEi', () => {
  it('is the log of the closed-form expected improvement in the normal range', () => {
    for (const [mean, variance, threshold] of [
      [0, 1, 0],
      [0.5, 0.04, 0.2],
      [-1, 0.25, 0.3],
      [2, 3, -1],
    ]) {
      expect(logEi(mean, variance, threshold)).toBeCloseTo(Math.log(directEi(mean, variance, threshold)), 9);
    }
  });

  it('stays finite when the improvement is hopeless (EI underflows to 0)', () => {
    // z = −60: EI ≈ σ φ(60)/60² ≈ e^(−1800).
    const v = logEi(-60, 1, 0);
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeCloseTo(-1800 - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(60), 2);
    // Further down the values keep ordering the points, so a search can still climb.
    expect(logEi(-61, 1, 0)).toBeLessThan(v);
  });

  it('has partials with respect to the mean and the variance equal to finite differences', () => {
    const partials = new Float64Array(2);
    for (const [mean, variance, threshold] of [
      [0.1, 0.3, 0.4],
      [-3, 0.01, 1],
      [1, 2, 0],
    ]) {
      logEi(mean, variance, threshold, partials);
      const h = 1e-6;
      const dm = (logEi(mean + h, variance, threshold) - logEi(mean - h, variance, threshold)) / (2 * h);
      const hv = 1e-6 * variance;
      const dv = (logEi(mean, variance + hv, threshold) - logEi(mean, variance - hv, threshold)) / (2 * hv);
      expect(partials[0]).toBeCloseTo(dm, 5);
      expect(partials[1] / dv).toBeCloseTo(1, 5);
    }
  });
});
