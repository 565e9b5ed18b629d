import { createRng } from '../../random/rng';
import { KernelLoss } from './kernel-loss';

/** n points in dim coordinates, the last `categorical` of them categorical with 3 values, and smooth values. */
function data(n: number, dim: number, categorical: number, seed: number) {
  const rng = createRng(seed);
  const isCategorical = Uint8Array.from({ length: dim }, (_, j) => (j >= dim - categorical ? 1 : 0));
  const x = new Float64Array(n * dim);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) x[i * dim + j] = isCategorical[j] ? rng.int(3) : rng.random();
    y[i] = Math.sin(3 * x[i * dim]) + (dim > 1 ? x[i * dim + 1] ** 2 : 0) + 0.1 * rng.normal();
  }
  return { x, y, isCategorical };
}

function finiteDifferences(loss: KernelLoss, raw: Float64Array): Float64Array {
  const g = new Float64Array(raw.length);
  const scratch = new Float64Array(raw.length);
  for (let k = 0; k < raw.length; k++) {
    const h = 1e-6;
    const plus = Float64Array.from(raw);
    const minus = Float64Array.from(raw);
    plus[k] += h;
    minus[k] -= h;
    g[k] = (loss.evaluate(plus, scratch) - loss.evaluate(minus, scratch)) / (2 * h);
  }
  return g;
}

describe('KernelLoss', () => {
  it('computes −log p(y|θ) − log p(θ) for a hand-checked 2-point case', () => {
    // Two points at distance 1 in one coordinate, ρ = 1, scale = 1, noise = 1e-6 + e^0 = 1.000001:
    // k = M(1) = (1 + √5 + 5/3) e^(−√5), C = [[2.000001, k], [k, 2.000001]].
    const loss = new KernelLoss(Float64Array.of(0, 1), Float64Array.of(1, -1), Uint8Array.of(0), 1e-6, false);
    const k = (1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5));
    const c = 2.000001;
    const det = c * c - k * k;
    // yᵀC⁻¹y with y = (1, −1): (c + c + 2k)/det = 2(c + k)/det.
    const nll = 0.5 * ((2 * (c + k)) / det) + 0.5 * Math.log(det) + Math.log(2 * Math.PI);
    const noise = 1.000001;
    // log priors at ℓ = 1, scale = 1: Gamma(3, 6) → 2 log 1 − 6; Gamma(2, 1) → log 1 − 1; Gamma(1.1, 30) on the noise.
    const prior = -6 + (0 - 1) + (0.1 * Math.log(noise) - 30 * noise);
    const value = loss.evaluate(new Float64Array(3), new Float64Array(3));
    expect(value).toBeCloseTo(nll - prior, 10);
  });

  it.each([
    ['continuous', 12, 3, 0],
    ['mixed', 15, 4, 2],
  ])('has an analytic gradient equal to finite differences (%s)', (_label, n, dim, categorical) => {
    const { x, y, isCategorical } = data(n as number, dim as number, categorical as number, 7);
    const loss = new KernelLoss(x, y, isCategorical, 1e-6, false);
    const raw = Float64Array.from({ length: loss.size }, (_, k) => [0.3, -0.5, 1.2, 0.1, -0.2, 0.4][k % 6]);
    raw[loss.size - 1] = -2; // noise ≈ 0.135
    const grad = new Float64Array(loss.size);
    loss.evaluate(raw, grad);
    const fd = finiteDifferences(loss, raw);
    for (let k = 0; k < raw.length; k++) expect(grad[k]).toBeCloseTo(fd[k], 4);
  });

  it('fixes the noise at its floor for deterministic objectives (zero gradient)', () => {
    const { x, y, isCategorical } = data(10, 2, 0, 3);
    const loss = new KernelLoss(x, y, isCategorical, 1e-6, true);
    const grad = new Float64Array(4);
    const raw = Float64Array.of(0.5, -0.5, 0, 3);
    const a = loss.evaluate(raw, grad);
    expect(grad[3]).toBe(0);
    raw[3] = -3;
    expect(loss.evaluate(raw, grad)).toBe(a);
    expect(loss.params(raw).noise).toBe(1e-6);
    const fd = finiteDifferences(loss, Float64Array.of(0.5, -0.5, 0, 0));
    for (let k = 0; k < 3; k++) expect(grad[k]).toBeCloseTo(fd[k], 4);
  });

  it('maps raw parameters to kernel parameters and back', () => {
    const loss = new KernelLoss(new Float64Array(4), new Float64Array(2), Uint8Array.of(0, 1), 1e-6, false);
    const params = loss.params(Float64Array.of(Math.log(4), 0, Math.log(2), Math.log(0.5)));
    expect(Array.from(params.inverseSquaredLengthscales)).toEqual([4, 1]);
    expect(params.scale).toBeCloseTo(2, 15);
    expect(params.noise).toBeCloseTo(0.5 + 1e-6, 15);
    expect(Array.from(loss.raw(params)).map((v) => +v.toFixed(12))).toEqual([
      +Math.log(4).toFixed(12),
      0,
      +Math.log(2).toFixed(12),
      +Math.log(0.5).toFixed(12),
    ]);
  });

  it('checks the sizes', () => {
    expect(
      () => new KernelLoss(new Float64Array(5), new Float64Array(2), Uint8Array.of(0, 0), 1e-6, false),
    ).toThrow('KernelLoss: x must hold n × dim = 2 × 2 entries, got 5');
  });
});
