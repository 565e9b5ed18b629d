import { categoricalDistribution, floatDistribution, intDistribution } from '../../distributions';
import { createRng } from '../../random/rng';
import { GpRegressor } from './gp-regressor';
import { GpInputEncoding } from './gp-input-encoding';
import { LogEiAcquisition } from './log-ei-acquisition';
import { optimizeAcquisition, type AcquisitionSearchOptions } from './optimize-acquisition';

function options(seed: number): AcquisitionSearchOptions {
  const rng = createRng(seed);
  return {
    nCandidates: 256,
    nLocalSearch: 6,
    pgtol: 1e-6,
    maxIterations: 200,
    rng,
    unitPoints: (count, dim) => Float64Array.from({ length: count * dim }, () => rng.random()),
  };
}

/** A GP fitted (with fixed parameters) to f at n random points of the space, and its log EI over the best. */
function setup(space: GpInputEncoding, f: (x: Float64Array) => number, n: number, rho: number[]) {
  const rng = createRng(11);
  const x = new Float64Array(n * space.dim);
  const u = new Float64Array(space.dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < space.dim; j++) u[j] = rng.random();
    space.fromUnitCube(u);
    x.set(u, i * space.dim);
  }
  const y = Float64Array.from({ length: n }, (_, i) => f(x.subarray(i * space.dim, (i + 1) * space.dim)));
  const gp = new GpRegressor(x, y, space.isCategorical, {
    inverseSquaredLengthscales: Float64Array.from(rho),
    scale: 1,
    noise: 1e-6,
  });
  return new LogEiAcquisition(gp, Math.max(...y));
}

describe('optimizeAcquisition', () => {
  it('finds the maximum of log EI over a continuous square (checked on a fine grid)', () => {
    const space = new GpInputEncoding({ a: floatDistribution(0, 1), b: floatDistribution(0, 1) });
    const acq = setup(space, (x) => -((x[0] - 0.3) ** 2) - 2 * (x[1] - 0.6) ** 2, 12, [8, 8]);
    const best = optimizeAcquisition(acq, space, Float64Array.of(0.35, 0.35), [], options(1));
    let gridBest = -Infinity;
    const p = new Float64Array(2);
    for (let i = 0; i <= 200; i++) {
      for (let j = 0; j <= 200; j++) {
        p[0] = i / 200;
        p[1] = j / 200;
        gridBest = Math.max(gridBest, acq.value(p));
      }
    }
    expect(best.value).toBeGreaterThanOrEqual(gridBest - 1e-9);
    expect(best.value).toBeCloseTo(acq.value(best.x), 12);
  });

  it('searches categorical and large integer coordinates on their grids (checked exhaustively)', () => {
    const space = new GpInputEncoding({
      c: categoricalDistribution(['a', 'b', 'c']),
      n: intDistribution(1, 60),
      x: floatDistribution(0, 1),
    });
    // Best near choice 'b', n ≈ 40, x ≈ 0.2.
    const f = (x: Float64Array) => (x[0] === 1 ? 0.5 : 0) - 3 * (x[1] - 0.65) ** 2 - (x[2] - 0.2) ** 2;
    const acq = setup(space, f, 25, [1, 10, 5]);
    const best = optimizeAcquisition(acq, space, Float64Array.of(1, 0.3, 0.45), [], options(2));
    expect(Number.isInteger(best.x[0])).toBe(true);
    expect(best.x[1]).toBeCloseTo(space.gridValue(1, space.gridIndex(1, best.x[1])), 14);
    // No (choice, n) pair does better at the best x found, nor at its neighbours in x.
    const p = Float64Array.from(best.x);
    for (let c = 0; c < 3; c++) {
      for (let k = 0; k < 60; k++) {
        p[0] = c;
        p[1] = space.gridValue(1, k);
        expect(acq.value(p)).toBeLessThanOrEqual(best.value + 1e-9);
      }
    }
  });

  it('keeps a warm start when nothing beats it', () => {
    const space = new GpInputEncoding({ a: floatDistribution(0, 1) });
    const acq = setup(space, (x) => -((x[0] - 0.5) ** 2), 6, [4]);
    const start = Float64Array.of(0.123);
    const best = optimizeAcquisition(acq, space, Float64Array.of(0.5), [start], {
      ...options(3),
      nCandidates: 1,
    });
    expect(best.value).toBeGreaterThanOrEqual(acq.value(start));
  });
});
