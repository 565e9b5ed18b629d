import { sampleTruncNorm, truncNormQuantile } from './truncnorm';

// Reference values from scipy.stats.truncnorm.
describe('truncated normal', () => {
  it('samples the truncated normal by inversion', () => {
    // scipy.stats.truncnorm.ppf(u, a, b)
    expect(truncNormQuantile(0.3, -1, 1)).toBeCloseTo(-0.3492199324568824, 13);
    expect(truncNormQuantile(0.9, -100, 0.5)).toBeCloseTo(0.311569693291714, 13);
    expect(truncNormQuantile(0.1, 0, 1)).toBeCloseTo(0.08566710699582025, 13);
    expect(truncNormQuantile(0.5, 2, 5)).toBeCloseTo(2.2776000319692673, 13);
    expect(truncNormQuantile(0, -1, 1)).toBe(-1);
    expect(sampleTruncNorm(0.5, 3, 2, 0, 10)).toBeCloseTo(3 + 2 * truncNormQuantile(0.5, -1.5, 3.5), 14);
    expect(sampleTruncNorm(0.999999, 9.9, 5, 0, 10)).toBeLessThanOrEqual(10);
  });
});
