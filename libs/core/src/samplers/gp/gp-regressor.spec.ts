import { createRng } from '../../random/rng';
import { GpRegressor } from './gp-regressor';
import { matern52 } from './matern52';

const M1 = matern52(1); // (1 + √5 + 5/3) e^(−√5)

describe('GpRegressor', () => {
  it('gives the hand-computed posterior of one observation', () => {
    // X = [0.2], y = [1.5], scale 2, noise 0.5: C = 2.5, α = 0.6; k(x) = 2 M((x − 0.2)²).
    const gp = new GpRegressor(Float64Array.of(0.2), Float64Array.of(1.5), Uint8Array.of(0), {
      inverseSquaredLengthscales: Float64Array.of(1),
      scale: 2,
      noise: 0.5,
    });
    const mean = new Float64Array(2);
    const variance = new Float64Array(2);
    gp.predict(Float64Array.of(0.2, 1.2), 2, mean, variance);
    expect(mean[0]).toBeCloseTo(1.2, 14); // 0.6 · 2
    expect(variance[0]).toBeCloseTo(0.4, 14); // 2 − 2²/2.5
    expect(mean[1]).toBeCloseTo(0.6 * 2 * M1, 14);
    expect(variance[1]).toBeCloseTo(2 - (2 * M1) ** 2 / 2.5, 14);
  });

  it('interpolates noiseless observations and compares categoricals by equality', () => {
    // Coordinate 1 is categorical: points 0 and 1 differ only there, at Hamming distance 1.
    const x = Float64Array.of(0.1, 0, 0.1, 2, 0.9, 1);
    const y = Float64Array.of(1, -1, 0.5);
    const gp = new GpRegressor(x, y, Uint8Array.of(0, 1), {
      inverseSquaredLengthscales: Float64Array.of(4, 1),
      scale: 1,
      noise: 1e-10,
    });
    const mean = new Float64Array(3);
    const variance = new Float64Array(3);
    gp.predict(x, 3, mean, variance);
    for (let i = 0; i < 3; i++) {
      expect(mean[i]).toBeCloseTo(y[i], 6);
      expect(variance[i]).toBeLessThan(1e-8);
    }
    // Choice 5 equals none of the observed ones: as far from each as choice 2 is from choice 0.
    gp.predict(Float64Array.of(0.1, 5, 0.1, 7), 2, mean, variance);
    expect(mean[0]).toBeCloseTo(mean[1], 14);
    expect(variance[0]).toBeGreaterThan(0.1);
  });

  it('predicts one point as in a batch of any size, and its gradients match finite differences', () => {
    const rng = createRng(5);
    const n = 9;
    const dim = 3;
    const x = Float64Array.from({ length: n * dim }, (_, i) => (i % dim === 2 ? rng.int(3) : rng.random()));
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const gp = new GpRegressor(x, y, Uint8Array.of(0, 0, 1), {
      inverseSquaredLengthscales: Float64Array.of(3, 0.7, 2),
      scale: 1.3,
      noise: 1e-3,
    });
    const points = Float64Array.of(0.3, 0.6, 1, 0.9, 0.05, 0, 0.5, 0.5, 2, 0.1, 0.2, 1, 0.7, 0.4, 0);
    const mean = new Float64Array(5);
    const variance = new Float64Array(5);
    gp.predict(points, 5, mean, variance);
    const out = new Float64Array(2);
    const gm = new Float64Array(dim);
    const gv = new Float64Array(dim);
    for (let p = 0; p < 5; p++) {
      const point = points.slice(p * dim, (p + 1) * dim);
      gp.predictWithGradient(point, out, gm, gv);
      expect(out[0]).toBeCloseTo(mean[p], 12);
      expect(out[1]).toBeCloseTo(variance[p], 12);
      expect(gm[2]).toBe(0);
      expect(gv[2]).toBe(0);
      for (let j = 0; j < 2; j++) {
        const h = 1e-6;
        const plus = Float64Array.from(point);
        const minus = Float64Array.from(point);
        plus[j] += h;
        minus[j] -= h;
        const m2 = new Float64Array(2);
        const v2 = new Float64Array(2);
        gp.predict(Float64Array.of(...plus, ...minus), 2, m2, v2);
        expect(gm[j]).toBeCloseTo((m2[0] - m2[1]) / (2 * h), 6);
        expect(gv[j]).toBeCloseTo((v2[0] - v2[1]) / (2 * h), 6);
      }
    }
  });

  it('checks the sizes', () => {
    const params = { inverseSquaredLengthscales: Float64Array.of(1), scale: 1, noise: 1 };
    expect(() => new GpRegressor(new Float64Array(3), new Float64Array(2), Uint8Array.of(0), params)).toThrow(
      'GpRegressor: x must hold n × dim = 2 × 1 entries, got 3',
    );
    expect(
      () => new GpRegressor(new Float64Array(4), new Float64Array(2), Uint8Array.of(0, 0), params),
    ).toThrow('GpRegressor: 1 length scales for 2 coordinates');
  });
});
