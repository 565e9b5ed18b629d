import { createStudy, lastStep, RandomSampler, type FrozenTrial } from '@tuneforge/core';
import { builtinObjective, STEPS_USER_ATTR } from './builtin-objective';
import { BUILTIN_PROBLEMS } from './builtin-problems';

const asParams = (t: FrozenTrial) => t.params as Record<string, string | number>;

describe('builtinObjective', () => {
  it('returns the formula value of a problem without a curve, reporting nothing', async () => {
    const problem = BUILTIN_PROBLEMS.branin;
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    await study.optimize(builtinObjective(problem), { nTrials: 15 });
    expect(study.trials).toHaveLength(15);
    for (const t of study.trials) {
      expect(t.state).toBe('COMPLETE');
      expect(Object.keys(t.params)).toEqual(['x1', 'x2']);
      expect(t.values).toEqual([problem.evaluate(asParams(t))]);
      expect(t.intermediateValues).toEqual({});
      expect(t.userAttrs).toEqual({});
    }
    expect(study.bestValue).toBeGreaterThanOrEqual(problem.optimum);
  });

  it('reports the whole learning curve and completes every trial when pruning is off', async () => {
    const problem = BUILTIN_PROBLEMS.learning_curve;
    const study = await createStudy({ sampler: new RandomSampler({ seed: 2 }) });
    await study.optimize(builtinObjective(problem, { pruning: false }), { nTrials: 8 });
    for (const t of study.trials) {
      expect(t.state).toBe('COMPLETE');
      expect(t.userAttrs[STEPS_USER_ATTR]).toBe(50);
      expect(Object.keys(t.intermediateValues).map(Number)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      expect(t.intermediateValues[7]).toBe(problem.curve!(asParams(t), 7));
      expect(t.values).toEqual([problem.evaluate(asParams(t))]);
    }
  });

  it('stops weak curves under the median pruner and records the step each trial reached', async () => {
    const problem = BUILTIN_PROBLEMS.learning_curve;
    // createStudy's default pruner is the median pruner with its defaults (5 COMPLETE trials first).
    const study = await createStudy({ sampler: new RandomSampler({ seed: 7 }) });
    await study.optimize(builtinObjective(problem), { nTrials: 30 });

    const complete = study.trials.filter((t) => t.state === 'COMPLETE');
    const pruned = study.trials.filter((t) => t.state === 'PRUNED');
    expect(complete.length + pruned.length).toBe(30);
    expect(complete.length).toBeGreaterThanOrEqual(5);
    expect(pruned.length).toBeGreaterThan(0);
    // Nothing is pruned before five trials have completed.
    expect(study.trials.slice(0, 5).every((t) => t.state === 'COMPLETE')).toBe(true);

    let totalSteps = 0;
    for (const t of study.trials) {
      const steps = t.userAttrs[STEPS_USER_ATTR] as number;
      expect(steps).toBe(lastStep(t));
      if (t.state === 'PRUNED') expect(steps).toBeLessThan(50);
      else expect(t.values).toEqual([problem.evaluate(asParams(t))]);
      totalSteps += steps;
    }
    expect(totalSteps).toBeLessThan(30 * 50);
  });

  it('ends a trial at the first step its pruner says so', async () => {
    const study = await createStudy({
      sampler: new RandomSampler({ seed: 3 }),
      pruner: { prune: () => true },
    });
    await study.optimize(builtinObjective(BUILTIN_PROBLEMS.learning_curve), { nTrials: 3 });
    for (const t of study.trials) {
      expect(t.state).toBe('PRUNED');
      expect(t.userAttrs[STEPS_USER_ATTR]).toBe(1);
      expect(Object.keys(t.intermediateValues)).toEqual(['1']);
      // A pruned trial carries its last intermediate value.
      expect(t.values).toEqual([t.intermediateValues[1]]);
    }
  });
});
