import {
  categoricalDistribution,
  floatDistribution,
  type Distribution,
  type ParamValue,
} from '../distributions';
import { createRng } from '../random/rng';
import { makeTrial } from '../visualization/testing/make-trial';
import { importances } from './param-importances';

const unit = floatDistribution(0, 1);

/** n trials with uniform x1, x2, x3 in [0, 1] and value f(x). */
function uniformTrials(n: number, seed: number, f: (p: Record<string, number>) => number) {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const params = { x1: rng.random(), x2: rng.random(), x3: rng.random() };
    return makeTrial(i, { values: [f(params)], params, distributions: { x1: unit, x2: unit, x3: unit } });
  });
}

describe('importances (fANOVA)', () => {
  // f = 10·x1 + 1·x2 + 0·x3: Var = 100/12 + 1/12, so the true shares are 100/101, 1/101 and 0.
  const linear = uniformTrials(200, 1, (p) => 10 * p.x1 + p.x2);

  it.each([0, 1, 2, 3])('ranks x1 ≫ x2 ≫ x3 for f = 10·x1 + x2 (seed %i)', (seed) => {
    const result = importances(linear, { seed });
    expect(result.map((r) => r.param)).toEqual(['x1', 'x2', 'x3']);
    expect(result[0].importance).toBeCloseTo(100 / 101, 1);
    expect(result[0].importance).toBeGreaterThan(0.97);
    expect(result[1].importance).toBeGreaterThan(0.002);
    expect(result[1].importance).toBeGreaterThan(10 * result[2].importance);
  });

  it('normalizes to 1, sorted by importance, and is the same for the same seed', () => {
    const result = importances(linear, { seed: 7 });
    expect(result).toEqual(importances(linear, { seed: 7 }));
    expect(result).not.toEqual(importances(linear, { seed: 8 }));
    expect(result.reduce((s, r) => s + r.importance, 0)).toBeCloseTo(1, 12);
    for (const r of result) expect(Object.keys(r).sort()).toEqual(['importance', 'param']);
    for (let i = 1; i < result.length; i++)
      expect(result[i - 1].importance).toBeGreaterThanOrEqual(result[i].importance);
  });

  it('finds a categorical that matters', () => {
    // f = 5·[k = 'b'] + x: Var(k part) = 25·(1/3)(2/3) = 5.56 against Var(x) = 1/12, so k holds ~98.5%.
    const k = categoricalDistribution(['a', 'b', 'c']);
    const rng = createRng(4);
    const trials = Array.from({ length: 120 }, (_, i) => {
      const params: Record<string, ParamValue> = { x: rng.random(), k: ['a', 'b', 'c'][rng.int(3)] };
      const distributions: Record<string, Distribution> = { x: unit, k };
      return makeTrial(i, {
        values: [(params.k === 'b' ? 5 : 0) + (params.x as number)],
        params,
        distributions,
      });
    });
    const [first, second] = importances(trials, { seed: 0 });
    expect(first.param).toBe('k');
    expect(first.importance).toBeCloseTo(5.56 / (5.56 + 1 / 12), 1);
    expect(second.param).toBe('x');
  });

  it('measures a log parameter on its log scale', () => {
    // f = log10(lr): linear in the log scale where lr is sampled, so lr explains everything.
    const lr = floatDistribution(1e-5, 1, { log: true });
    const rng = createRng(9);
    const trials = Array.from({ length: 100 }, (_, i) => {
      const value = 10 ** rng.uniform(-5, 0);
      const noise = rng.random();
      return makeTrial(i, {
        values: [Math.log10(value) + 0.01 * noise],
        params: { lr: value, noise },
        distributions: { lr, noise: unit },
      });
    });
    expect(importances(trials)[0]).toEqual({ param: 'lr', importance: expect.closeTo(1, 2) });
  });

  it('ranks only the given parameters, explains another objective or any target', () => {
    const multi = linear.map((t) => ({ ...t, values: [t.values![0], 5 * (t.params.x3 as number)] }));
    expect(importances(multi, { params: ['x2', 'x1'] }).map((r) => r.param)).toEqual(['x1', 'x2']);
    expect(importances(multi, { objective: 1 })[0].param).toBe('x3');
    expect(importances(multi, { target: (t) => t.params.x2 as number })[0].param).toBe('x2');
  });

  it('uses completed trials only, and gives equal shares when the value never varies', () => {
    const flat = uniformTrials(10, 2, () => 3);
    flat.push(
      makeTrial(10, {
        state: 'PRUNED',
        values: [100],
        params: { x1: 0, x2: 0, x3: 0 },
        distributions: { x1: unit, x2: unit, x3: unit },
      }),
    );
    expect(importances(flat).map((r) => r.importance)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(importances([makeTrial(0), makeTrial(1)])).toEqual([]);
  });

  it('fits on a seeded sample of maxTrials trials: the same for the same seed, all when there are fewer', () => {
    const many = uniformTrials(600, 5, (p) => 10 * p.x1 + p.x2);
    const sampled = importances(many, { seed: 3, maxTrials: 150 });
    expect(importances(many, { seed: 3, maxTrials: 150 })).toEqual(sampled);
    expect(importances(many, { seed: 4, maxTrials: 150 })).not.toEqual(sampled);
    expect(sampled.map((r) => r.param)).toEqual(['x1', 'x2', 'x3']);
    // Fewer trials than maxTrials: the forest sees them all, as without the option.
    expect(importances(linear, { seed: 2, maxTrials: 500 })).toEqual(importances(linear, { seed: 2 }));
    expect(() => importances(linear, { maxTrials: 1 })).toThrow('maxTrials must be an integer >= 2, got 1');
  });

  it('explains what it cannot do', () => {
    expect(() => importances(linear.slice(0, 1))).toThrow(
      'importances need at least 2 completed trials with a finite target and all the parameters, got 1',
    );
    expect(() => importances(linear, { params: ['nope'] })).toThrow(
      "parameter 'nope' is in no completed trial",
    );
    expect(() => importances(linear, { objective: -1 })).toThrow('objective must be an integer >= 0, got -1');
  });
});
