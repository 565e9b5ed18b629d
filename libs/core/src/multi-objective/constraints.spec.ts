import { NopPruner } from '../pruners/nop-pruner';
import { RandomSampler } from '../samplers/random/random-sampler';
import { createStudy } from '../study/study';
import { blankTrial, type FrozenTrial } from '../trial/frozen-trial';
import { FAIL_REASON_ATTR } from '../trial/trial';
import {
  checkConstraintValues,
  constrainedDominates,
  constrainedParetoFront,
  CONSTRAINTS_ATTR,
  isFeasible,
  totalViolation,
} from './constraints';

function trial(number: number, values: number[], constraints?: number[]): FrozenTrial {
  return {
    ...blankTrial(number, number, 'COMPLETE'),
    values,
    systemAttrs: constraints ? { [CONSTRAINTS_ATTR]: constraints } : {},
  };
}

const MIN2 = ['minimize', 'minimize'] as const;

describe('feasibility', () => {
  it('is every constraint ≤ 0; a trial without constraints is feasible', () => {
    expect(isFeasible(trial(0, [1], [0, -1]))).toBe(true);
    expect(isFeasible(trial(0, [1], [0.5, -1]))).toBe(false);
    expect(isFeasible(trial(0, [1]))).toBe(true);
    expect(totalViolation(trial(0, [1], [0.5, -3, 2]))).toBe(2.5);
  });

  it('counts a stored value that is not a number as violated', () => {
    const t = { ...trial(0, [1]), systemAttrs: { [CONSTRAINTS_ATTR]: [null, -1] } };
    expect(isFeasible(t)).toBe(false);
  });

  it('accepts only arrays of finite numbers from a constraints function', () => {
    expect(checkConstraintValues([0, -1.5])).toEqual([0, -1.5]);
    expect(() => checkConstraintValues([NaN])).toThrow(/array of finite numbers.*got \[NaN\]/);
    expect(() => checkConstraintValues(3)).toThrow(/array of finite numbers/);
    expect(() => checkConstraintValues([Infinity])).toThrow(/finite/);
  });
});

describe('constrained domination (Deb)', () => {
  it('puts feasible before infeasible whatever the values', () => {
    const feasible = trial(0, [10, 10], [-1]);
    const infeasible = trial(1, [0, 0], [0.1]);
    expect(constrainedDominates(feasible, infeasible, MIN2)).toBe(true);
    expect(constrainedDominates(infeasible, feasible, MIN2)).toBe(false);
  });

  it('orders infeasible trials by total violation, whatever the values', () => {
    const slightly = trial(0, [10, 10], [0.1, 0.1]);
    const badly = trial(1, [0, 0], [0.5, -9]);
    expect(constrainedDominates(slightly, badly, MIN2)).toBe(true);
    expect(constrainedDominates(badly, slightly, MIN2)).toBe(false);
    const same = trial(2, [0, 0], [0.2]);
    expect(constrainedDominates(slightly, same, MIN2)).toBe(false);
    expect(constrainedDominates(same, slightly, MIN2)).toBe(false);
  });

  it('is Pareto dominance between feasible trials, in each direction', () => {
    const a = trial(0, [1, 5], [-1]);
    const b = trial(1, [2, 5]);
    expect(constrainedDominates(a, b, MIN2)).toBe(true);
    expect(constrainedDominates(b, a, MIN2)).toBe(false);
    expect(constrainedDominates(b, a, ['maximize', 'minimize'])).toBe(true);
  });

  it('gives the front of the feasible trials, or of the least violating ones when none is feasible', () => {
    const trials = [
      trial(0, [0, 0], [1]),
      trial(1, [1, 3], [-1]),
      trial(2, [3, 1], [0]),
      trial(3, [2, 4], [-1]),
      trial(4, [5, 5], [-1]),
    ];
    expect(constrainedParetoFront(trials, MIN2).map((t) => t.number)).toEqual([1, 2]);
    const infeasible = [
      trial(0, [0, 0], [2]),
      trial(1, [5, 1], [1]),
      trial(2, [1, 5], [1]),
      trial(3, [6, 6], [1]),
    ];
    expect(constrainedParetoFront(infeasible, MIN2).map((t) => t.number)).toEqual([1, 2]);
  });
});

describe('a study with constraintsFunc', () => {
  const newStudy = (directions: ('minimize' | 'maximize')[], constraintsFunc: (t: FrozenTrial) => number[]) =>
    createStudy({
      directions,
      sampler: new RandomSampler({ seed: 1 }),
      pruner: new NopPruner(),
      constraintsFunc,
    });

  it('stores the constraints of each told trial, computed from its values and params', async () => {
    const study = await newStudy(['minimize', 'minimize'], (t) => [
      t.values![0] - 1,
      (t.params.x as number) - 10,
    ]);
    const asked = await study.ask();
    asked.suggestFloat('x', 0, 1);
    const told = await study.tell(asked, [3, 4]);
    expect(told.systemAttrs[CONSTRAINTS_ATTR]).toEqual([2, (told.params.x as number) - 10]);
    expect(isFeasible(told)).toBe(false);
    const stored = await study.getTrials();
    expect(stored[0].systemAttrs[CONSTRAINTS_ATTR]).toEqual(told.systemAttrs[CONSTRAINTS_ATTR]);
  });

  it('ends a trial FAIL, with the reason, when the function throws or returns NaN', async () => {
    const study = await newStudy(['minimize'], (t) => (t.values![0] > 5 ? [NaN] : [0]));
    const told = await study.tell(await study.ask(), 7);
    expect(told.state).toBe('FAIL');
    expect(told.systemAttrs[FAIL_REASON_ATTR]).toMatch(/constraintsFunc failed on trial 0: .*finite numbers/);
    const throwing = await newStudy(['minimize'], () => {
      throw new Error('no latency measured');
    });
    expect((await throwing.tell(await throwing.ask(), 1)).state).toBe('FAIL');
  });

  it('keeps a PRUNED trial without values PRUNED, without calling the function', async () => {
    const seen: number[] = [];
    const study = await newStudy(['minimize', 'minimize'], (t) => {
      seen.push(t.number);
      return [t.values![1] - 0.75];
    });
    const pruned = await study.tell(await study.ask(), 'PRUNED');
    expect(pruned.state).toBe('PRUNED');
    expect(pruned.systemAttrs[CONSTRAINTS_ATTR]).toBeUndefined();
    expect((await study.tell(await study.ask(), [1, 0.5])).systemAttrs[CONSTRAINTS_ATTR]).toEqual([-0.25]);
    expect(seen).toEqual([1]);
  });

  it('ranks feasible trials first in bestTrial and bestTrials', async () => {
    const single = await newStudy(['minimize'], (t) => [t.values![0] < 2 ? 1 : -1]);
    for (const v of [1, 5, 3]) await single.tell(await single.ask(), v);
    expect(single.bestValue).toBe(3);

    const many = await newStudy(['minimize', 'minimize'], (t) => [t.values![0] + t.values![1] < 4 ? 1 : 0]);
    for (const v of [
      [1, 1],
      [2, 3],
      [3, 2],
      [4, 4],
    ])
      await many.tell(await many.ask(), v);
    expect(many.bestTrials.map((t) => t.values)).toEqual([
      [2, 3],
      [3, 2],
    ]);
  });

  it('falls back to the least violating trial when none is feasible', async () => {
    const study = await newStudy(['minimize'], (t) => [10 - t.values![0]]);
    for (const v of [1, 8, 4]) await study.tell(await study.ask(), v);
    expect(study.bestValue).toBe(8);
    expect(isFeasible(study.bestTrial)).toBe(false);
  });
});
