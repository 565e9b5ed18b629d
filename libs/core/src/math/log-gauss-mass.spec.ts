import { logGaussMass, logPhi } from './log-gauss-mass';

// Reference values from scipy.special 1.17 (log_ndtr, and the log of differences of ndtr).
describe('the log mass of an interval under N(0, 1)', () => {
  it('is free of cancellation in both tails and across 0', () => {
    expect(logGaussMass(-1, 1)).toBeCloseTo(-0.381715146302126, 14);
    expect(logGaussMass(2, 3)).toBeCloseTo(-3.844353426334205, 13);
    expect(logGaussMass(38, 40)).toBeCloseTo(-726.5572160188201, 9);
    expect(logGaussMass(-40, -38)).toBeCloseTo(-726.5572160188201, 9);
  });

  it('is log Φ(b) for a half-line, with the asymptotic series far in the left tail', () => {
    expect(logGaussMass(-Infinity, -3)).toBeCloseTo(-6.60772622151035, 13);
    expect(logGaussMass(-Infinity, -30)).toBeCloseTo(-454.32124395634327, 10);
    expect(logGaussMass(-Infinity, -40)).toBeCloseTo(-804.6084420137538, 10);
    expect(logGaussMass(-Infinity, 5.9) / -1.817507864751091e-9).toBeCloseTo(1, 12);
  });

  it('gives log φ of the density', () => {
    expect(logPhi(0)).toBeCloseTo(-0.9189385332046727, 15);
    expect(logPhi(3)).toBeCloseTo(-5.418938533204673, 14);
  });
});
