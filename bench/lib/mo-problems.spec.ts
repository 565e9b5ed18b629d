import { hypervolume } from '@tuneforge/core';
import { loadMoSuite, moProblem } from './mo-problems';

/** The suite's tolerance: 1e-9 relative, absolute for |value| < 1. */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

/** Points of each problem's Pareto set as suite-mo.json describes it (`pareto_set`). */
function paretoSet(name: string): Record<string, number>[] {
  const grid = (n: number, low: number, high: number) =>
    Array.from({ length: n + 1 }, (_, i) => low + ((high - low) * i) / n);
  switch (name) {
    case 'dtlz2_3':
      return grid(60, 0, 1).flatMap((x1) =>
        grid(60, 0, 1).map((x2) => ({ x1, x2, x3: 0.5, x4: 0.5, x5: 0.5, x6: 0.5 })),
      );
    case 'binh_korn':
      return [
        ...grid(1000, 0, 3).map((t) => ({ x: t, y: t })),
        ...grid(1000, 3, 5).map((x) => ({ x, y: 3 })),
      ];
    default:
      return grid(4000, 0, 1).map((x1) => ({ x1, x2: 0, x3: 0, x4: 0, x5: 0, x6: 0 }));
  }
}

describe.each(loadMoSuite().problems.map((p) => [p.name, p]))('%s', (name, problem) => {
  it('reproduces every test vector of suite-mo.json (values, constraints, feasibility)', () => {
    const f = moProblem(name);
    for (const vector of problem.test_vectors) {
      const values = f.values(vector.params);
      expect(values).toHaveLength(problem.n_objectives);
      values.forEach((v, i) => expectClose(v, vector.values[i]));
      const constraints = f.constraints(vector.params);
      expect(constraints).toHaveLength(vector.constraints.length);
      constraints.forEach((c, i) => expectClose(c, vector.constraints[i]));
      expect(constraints.every((c) => c <= 0)).toBe(vector.feasible);
    }
  });

  it('approaches its true hypervolume from below on a dense sample of its Pareto set', () => {
    const f = moProblem(name);
    const hv = hypervolume(paretoSet(name).map(f.values), problem.reference_point);
    const exact = problem.true_hypervolume.value;
    expect(hv).toBeLessThanOrEqual(exact);
    expect(exact - hv).toBeLessThan((problem.n_objectives === 2 ? 1e-3 : 0.04) * exact);
  });
});
