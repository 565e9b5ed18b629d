import { createRng } from '../../random/rng';
import { GpRegressor } from './gp-regressor';
import { LogEiAcquisition } from './log-ei-acquisition';
import { QLogEiAcquisition } from './q-log-ei-acquisition';

const PARAMS = { inverseSquaredLengthscales: Float64Array.of(3, 5), scale: 1.3, noise: 1e-4 };
const CATEGORICAL = Uint8Array.of(0, 0);

function observed(): { x: Float64Array; y: Float64Array } {
  const rng = createRng(11);
  const x = Float64Array.from({ length: 16 }, () => rng.random());
  const y = Float64Array.from({ length: 8 }, (_, i) => Math.sin(4 * x[2 * i]) + x[2 * i + 1] ** 2);
  return { x, y };
}

function normals(count: number, dim: number): Float64Array {
  const rng = createRng(5);
  // Box–Muller: enough for a test (the sampler uses Sobol points through the normal quantile).
  return Float64Array.from({ length: count * dim }, () => {
    const u = 1 - rng.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.random());
  });
}

function acquisitions(pending: Float64Array): { q: QLogEiAcquisition; plain: LogEiAcquisition } {
  const { x, y } = observed();
  const threshold = Math.max(...y);
  const withPending = new GpRegressor(x, y, CATEGORICAL, PARAMS, pending);
  const np = withPending.nPending;
  const means = new Float64Array(np);
  withPending.predict(pending, np, means, new Float64Array(np));
  return {
    q: new QLogEiAcquisition(withPending, threshold, means, normals(64, np)),
    plain: new LogEiAcquisition(new GpRegressor(x, y, CATEGORICAL, PARAMS), threshold),
  };
}

describe('GpRegressor with pending points', () => {
  it('keeps the mean, and removes from the variance exactly the part the pending points explain', () => {
    const { x, y } = observed();
    const pending = Float64Array.of(0.3, 0.6, 0.8, 0.1);
    const before = new GpRegressor(x, y, CATEGORICAL, PARAMS);
    const after = new GpRegressor(x, y, CATEGORICAL, PARAMS, pending);
    expect(after.nObserved).toBe(8);
    expect(after.nPending).toBe(2);
    const points = Float64Array.of(0.3, 0.6, 0.5, 0.5, 0.9, 0.05);
    const [m0, v0, m1, v1] = [0, 1, 2, 3].map(() => new Float64Array(3));
    const tail = new Float64Array(6);
    before.predict(points, 3, m0, v0);
    after.predict(points, 3, m1, v1, tail);
    for (let p = 0; p < 3; p++) {
      expect(m1[p]).toBeCloseTo(m0[p], 10);
      // ‖L′⁻¹ k′‖² = ‖L⁻¹ k‖² + ‖t‖²: the variance falls by the squared tail.
      expect(v0[p] - v1[p]).toBeCloseTo(tail[2 * p] ** 2 + tail[2 * p + 1] ** 2, 10);
    }
    expect(v1[0]).toBeLessThan(1e-5); // at a pending point
    expect(v1[1]).toBeGreaterThan(1e-3);
  });
});

describe('QLogEiAcquisition', () => {
  it('has the gradient of its value (central differences)', () => {
    const { q } = acquisitions(Float64Array.of(0.3, 0.6, 0.7, 0.2, 0.35, 0.55));
    for (const point of [Float64Array.of(0.4, 0.5), Float64Array.of(0.9, 0.1), Float64Array.of(0.31, 0.62)]) {
      const grad = new Float64Array(2);
      const value = q.valueWithGradient(point, grad);
      expect(value).toBeCloseTo(q.value(point), 10);
      for (let j = 0; j < 2; j++) {
        const h = 1e-6;
        const up = Float64Array.from(point);
        const down = Float64Array.from(point);
        up[j] += h;
        down[j] -= h;
        const numeric = (q.value(up) - q.value(down)) / (2 * h);
        expect(grad[j]).toBeCloseTo(numeric, 4);
      }
    }
  });

  it('scores a point next to a pending one far below plain EI, and a distant point about the same', () => {
    const pending = Float64Array.of(0.3, 0.6);
    const { q, plain } = acquisitions(pending);
    const near = Float64Array.of(0.301, 0.601);
    expect(q.value(near)).toBeLessThan(plain.value(near) - 3);
    const far = Float64Array.of(0.95, 0.02);
    expect(Math.abs(q.value(far) - plain.value(far))).toBeLessThan(0.05);
  });

  it('refuses a posterior without pending points', () => {
    const { x, y } = observed();
    const gp = new GpRegressor(x, y, CATEGORICAL, PARAMS);
    expect(() => new QLogEiAcquisition(gp, 0, new Float64Array(0), new Float64Array(4))).toThrow(RangeError);
  });
});
