import { logNormalCdf } from '../../math/log-normal-cdf';
import { createRng } from '../../random/rng';
import { createStudy } from '../../study/study';
import type { Trial } from '../../trial/trial';
import { FeasibilityWeightedAcquisition } from './feasibility-weighted-acquisition';
import { GpRegressor } from './gp-regressor';
import { GpSampler } from './gp-sampler';
import { LogEiAcquisition } from './log-ei-acquisition';

const PARAMS = { inverseSquaredLengthscales: Float64Array.of(3, 5), scale: 1.3, noise: 1e-4 };
const CATEGORICAL = Uint8Array.of(0, 0);

function regressor(seed: number, f: (a: number, b: number) => number): GpRegressor {
  const rng = createRng(seed);
  const x = Float64Array.from({ length: 16 }, () => rng.random());
  const y = Float64Array.from({ length: 8 }, (_, i) => f(x[2 * i], x[2 * i + 1]));
  return new GpRegressor(x, y, CATEGORICAL, PARAMS);
}

function centralDifferences(value: (p: Float64Array) => number, point: Float64Array): number[] {
  const h = 1e-6;
  return [...point].map((_, j) => {
    const up = Float64Array.from(point);
    const down = Float64Array.from(point);
    up[j] += h;
    down[j] -= h;
    return (value(up) - value(down)) / (2 * h);
  });
}

describe('FeasibilityWeightedAcquisition', () => {
  const objective = regressor(11, (a, b) => Math.sin(4 * a) + b * b);
  const constraint = regressor(12, (a, b) => a - b);
  const ei = new LogEiAcquisition(objective, 1.2);
  const points = [Float64Array.of(0.4, 0.5), Float64Array.of(0.9, 0.1), Float64Array.of(0.05, 0.95)];

  it('adds log Φ((μ − t)/σ) of each constraint to the improvement', () => {
    const acq = new FeasibilityWeightedAcquisition(ei, [{ gp: constraint, threshold: 0.2 }]);
    for (const point of points) {
      const mv = new Float64Array(2);
      constraint.predictWithGradient(point, mv, new Float64Array(2), new Float64Array(2));
      const logFeasible = logNormalCdf((mv[0] - 0.2) / Math.sqrt(mv[1] + 1e-12));
      expect(acq.value(point)).toBeCloseTo(ei.value(point) + logFeasible, 10);
    }
  });

  it('is the probability of feasibility alone when no trial is feasible yet', () => {
    const alone = new FeasibilityWeightedAcquisition(null, [{ gp: constraint, threshold: 0.2 }]);
    const out = new Float64Array(3);
    const rows = Float64Array.from(points.flatMap((p) => [...p]));
    alone.values(rows, 3, out);
    points.forEach((point, p) => {
      expect(out[p]).toBeCloseTo(alone.value(point), 12);
      expect(out[p]).toBeLessThanOrEqual(0); // a log probability
    });
    expect(() => new FeasibilityWeightedAcquisition(null, [])).toThrow(RangeError);
  });

  it('has the gradient of its value (central differences), with and without an improvement', () => {
    const constraints = [
      { gp: constraint, threshold: 0.2 },
      { gp: regressor(13, (a) => a), threshold: 0.5 },
    ];
    for (const acq of [
      new FeasibilityWeightedAcquisition(ei, constraints),
      new FeasibilityWeightedAcquisition(null, constraints),
    ]) {
      for (const point of points) {
        const grad = new Float64Array(2);
        expect(acq.valueWithGradient(point, grad)).toBeCloseTo(acq.value(point), 10);
        const numeric = centralDifferences((p) => acq.value(p), point);
        numeric.forEach((g, j) => expect(grad[j]).toBeCloseTo(g, 4));
      }
    }
  });
});

/** Minimize (x − 0.2)² + y² on [−1, 1]², under x ≥ 0.6 when constrained: the constrained optimum is (0.6, 0). */
async function runStudy(seed: number, nTrials: number, constrained: boolean) {
  const study = await createStudy({
    direction: 'minimize',
    sampler: new GpSampler({ seed, nStartupTrials: 8 }),
    ...(constrained ? { constraintsFunc: (t) => [0.6 - (t.params.x as number)] } : {}),
  });
  await study.optimize(
    (t: Trial) => {
      const x = t.suggestFloat('x', -1, 1);
      const y = t.suggestFloat('y', -1, 1);
      return (x - 0.2) ** 2 + y * y;
    },
    { nTrials },
  );
  return study;
}

describe('GpSampler with one objective and constraints', () => {
  it('searches the feasible side of the boundary, where the unconstrained GP goes to the infeasible optimum', async () => {
    // The constraint 0.6 − x is linear, so its GP learns it from the start-up trials alike for every seed: the
    // modelled trials sit on the feasible side of the boundary (median at x = 0.6), where the unconstrained GP's
    // gather around the infeasible optimum x = 0.2.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    for (const seed of [0, 1, 2]) {
      const constrained = (await runStudy(seed, 16, true)).trials.slice(8).map((t) => t.params.x as number);
      expect(Math.min(...constrained)).toBeGreaterThanOrEqual(0.6 - 1e-6);
      expect(median(constrained)).toBeCloseTo(0.6, 1);
      const free = (await runStudy(seed, 16, false)).trials.slice(8).map((t) => t.params.x as number);
      expect(median(free)).toBeLessThan(0.45);
    }
  });

  it('gives the same trials for the same seed', async () => {
    const params = async (seed: number) => (await runStudy(seed, 12, true)).trials.map((t) => t.params);
    const first = await params(4);
    expect(await params(4)).toEqual(first);
    expect(await params(5)).not.toEqual(first);
  });

  it('without a feasible trial, goes where the constraint model expects feasibility', async () => {
    const study = await createStudy({
      direction: 'minimize',
      sampler: new GpSampler({ seed: 3, nStartupTrials: 5 }),
      constraintsFunc: (t) => [0.8 - (t.params.x as number)],
    });
    for (const x of [0.1, 0.2, 0.3, 0.4, 0.5]) await study.enqueueTrial({ x });
    await study.optimize((t: Trial) => t.suggestFloat('x', 0, 1), { nTrials: 6 });
    // Every start-up trial is infeasible and the objective alone would go to x = 0.
    expect(study.trials[5].params.x as number).toBeGreaterThan(0.5);
  });
});
