import { InvalidArgumentError, TrialPruned } from '../errors';
import { InMemoryStorage } from '../storage/in-memory-storage';
import { RandomSampler } from '../samplers/random/random-sampler';
import { createStudy, type Study } from '../study/study';
import type { StudyDirection } from '../trial/trial-state';
import { completedRungKey, estimateMinResource, SuccessiveHalvingPruner } from './successive-halving-pruner';
import { addCompleted, contextOf, fakeHistory, frozenTrial } from './testing/pruner-fixtures';

async function shStudy(
  pruner: SuccessiveHalvingPruner,
  direction: StudyDirection = 'minimize',
): Promise<Study> {
  return createStudy({
    storage: new InMemoryStorage(),
    sampler: new RandomSampler({ seed: 0 }),
    pruner,
    direction,
  });
}

/** Starts a trial, reports `value` at `step`, asks the pruner; returns its answer and the rungs recorded. */
async function judge(
  study: Study,
  value: number,
  step: number,
): Promise<{ pruned: boolean; rungs: string[] }> {
  const trial = await study.ask();
  await trial.report(value, step);
  const pruned = trial.shouldPrune();
  await trial.flush();
  return { pruned, rungs: Object.keys(trial.systemAttrs).filter((k) => k.startsWith('completed_rung_')) };
}

describe('SuccessiveHalvingPruner', () => {
  it.each([['minimize', 2] as const, ['maximize', 0.5] as const])(
    '%s: the first trial passes its rung, a worse second one is pruned there',
    async (direction, worse) => {
      const study = await shStudy(
        new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }),
        direction,
      );
      expect((await judge(study, 1, 1)).pruned).toBe(false);

      const second = await study.ask();
      // Nothing reported: nothing to judge.
      expect(second.shouldPrune()).toBe(false);
      await second.report(worse, 1);
      expect(second.shouldPrune()).toBe(true);
    },
  );

  it('promotes from a rung only the top 1/eta of the values recorded there', async () => {
    const study = await shStudy(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }));
    // Every trial reports at step 7: rungs 0, 1, 2 complete at steps 1, 2, 4 (rung 3 at 8 is out of reach).
    expect(await judge(study, 0.1, 7)).toEqual({
      pruned: false,
      rungs: ['completed_rung_0', 'completed_rung_1', 'completed_rung_2'],
    });
    for (const v of [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]) {
      expect(await judge(study, v, 7)).toEqual({ pruned: true, rungs: ['completed_rung_0'] });
    }
    // 8 values at rung 0: the best 8 / 2 = 4 (up to 0.4) go on; 0.75 does not.
    expect(await judge(study, 0.75, 7)).toEqual({ pruned: true, rungs: ['completed_rung_0'] });
    // 0.25 is 3rd of 9 at rung 0 (top 4): promoted; 2nd of 2 at rung 1: pruned there.
    expect(await judge(study, 0.25, 7)).toEqual({
      pruned: true,
      rungs: ['completed_rung_0', 'completed_rung_1'],
    });
    // The best value climbs every rung it reaches.
    expect(await judge(study, 0.05, 7)).toEqual({
      pruned: false,
      rungs: ['completed_rung_0', 'completed_rung_1', 'completed_rung_2'],
    });
  });

  it.each([
    ['minimize', [0.5, 0.7, 0.3, 0.4, 0.9, 0.8, 0.6, 0.35]] as const,
    ['maximize', [-0.5, -0.7, -0.3, -0.4, -0.9, -0.8, -0.6, -0.35]] as const,
  ])(
    '%s: until a rung holds eta values, only the best so far goes on; from 2 * eta, the top two',
    async (direction, values) => {
      // eta = 4: floor(n / 4) - 1 < 0 for the first 3 values, so the best so far is promoted instead.
      const study = await shStudy(new SuccessiveHalvingPruner({ minResource: 1 }), direction);
      const decisions: boolean[] = [];
      for (const v of values) decisions.push((await judge(study, v, 1)).pruned);
      // (Minimize; maximize is the mirror image.) 0.5 alone, 0.7 worse, 0.3 best, 0.4 not the best of 4,
      // 0.9 / 0.8 / 0.6 no better; the 8th, 0.35, is 2nd of 8 and 8 / 4 = 2 are promoted.
      expect(decisions).toEqual([false, true, false, true, true, true, true, false]);
    },
  );

  it('records the rung value of the trial and reads the others from their system attributes', () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
    const rung0 = completedRungKey(0);
    const history = fakeHistory([
      frozenTrial(0, { state: 'COMPLETE', value: 0, curve: { 1: 0.1 }, systemAttrs: { [rung0]: 0.1 } }),
      frozenTrial(1, { state: 'PRUNED', curve: { 1: 0.2 }, systemAttrs: { [rung0]: 0.2 } }),
      frozenTrial(2, { state: 'RUNNING', curve: { 1: 0.3 }, systemAttrs: { [rung0]: 0.3 } }),
      frozenTrial(3, { state: 'RUNNING', curve: { 0: 0.01 } }),
    ]);
    // Competing at rung 0: 0.1, 0.2, 0.3 and the trial's own value; 4 / 2 = 2 are promoted.
    const second = contextOf(frozenTrial(4, { curve: { 0: 9, 1: 0.15 } }));
    expect(pruner.prune(history, second.ctx)).toBe(false);
    expect(second.written).toEqual([[rung0, 0.15]]);
    expect(second.ctx.systemAttrs).toEqual({ [rung0]: 0.15 });

    const third = contextOf(frozenTrial(5, { curve: { 1: 0.25 } }));
    expect(pruner.prune(history, third.ctx)).toBe(true);
    expect(third.written).toEqual([[rung0, 0.25]]);
  });

  it('continues from the rung the trial already completed', () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
    const history = fakeHistory([
      frozenTrial(0, { systemAttrs: { completed_rung_0: 0.9, completed_rung_1: 0.2 } }),
    ]);
    // Rung 0 passed at step 1; at step 2 the trial meets rung 1, where 0.2 is better.
    const trial = contextOf(
      frozenTrial(1, { curve: { 1: 0.5, 2: 0.4 }, systemAttrs: { completed_rung_0: 0.5 } }),
    );
    expect(pruner.prune(history, trial.ctx)).toBe(true);
    expect(trial.written).toEqual([['completed_rung_1', 0.4]]);
  });

  it('the first trial is never pruned and records every rung it passes', async () => {
    const study = await shStudy(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }));
    const trial = await study.ask();
    for (let step = 0; step < 10; step++) {
      await trial.report(1, step);
      expect(trial.shouldPrune()).toBe(false);
    }
    await study.tell(trial, 1);
    // Rungs complete at steps 1, 2, 4, 8, and are stored with the trial.
    expect(Object.keys(study.trials[0].systemAttrs).sort()).toEqual([0, 1, 2, 3].map(completedRungKey));
  });

  it('NaN prunes at a rung completion point only, and records nothing', async () => {
    const study = await shStudy(new SuccessiveHalvingPruner({ minResource: 2, reductionFactor: 2 }));
    const trial = await study.ask();
    await trial.report(NaN, 1);
    expect(trial.shouldPrune()).toBe(false);
    await trial.report(NaN, 2);
    expect(trial.shouldPrune()).toBe(true);
    expect(trial.systemAttrs).toEqual({});
  });

  it('minResource and minEarlyStoppingRate place the first rung at minResource * eta^s', async () => {
    const cases = [
      [{ minResource: 2, reductionFactor: 2 }, 2],
      [{ minResource: 1, reductionFactor: 3, minEarlyStoppingRate: 1 }, 3],
      [{ minResource: 2, reductionFactor: 2, minEarlyStoppingRate: 2 }, 8],
    ] as const;
    for (const [options, firstRung] of cases) {
      const study = await shStudy(new SuccessiveHalvingPruner(options));
      const trial = await study.ask();
      await trial.report(1, firstRung - 1);
      trial.shouldPrune();
      expect(trial.systemAttrs).toEqual({});
      await trial.report(1, firstRung);
      trial.shouldPrune();
      expect(trial.systemAttrs).toEqual({ completed_rung_0: 1 });
    }
  });

  it("'auto' waits for a COMPLETE trial, then sets minResource to max(last step // 100, 1) for good", async () => {
    const pruner = new SuccessiveHalvingPruner({ reductionFactor: 2 });
    const study = await shStudy(pruner);
    expect(pruner.minResource).toBeNull();
    const early = await study.ask();
    await early.report(100, 1);
    expect(early.shouldPrune()).toBe(false);
    expect(pruner.minResource).toBeNull();
    await study.tell(early, 'PRUNED');

    await addCompleted(study, { 250: 1 });
    const first = await study.ask();
    await first.report(1, 1);
    expect(first.shouldPrune()).toBe(false);
    expect(pruner.minResource).toBe(2);
    await first.report(1, 2);
    expect(first.shouldPrune()).toBe(false);
    await study.tell(first, 1);

    // A longer curve later does not move the estimate.
    await addCompleted(study, { 900: 1 });
    const worse = await study.ask();
    await worse.report(5, 2);
    expect(worse.shouldPrune()).toBe(true);
    expect(pruner.minResource).toBe(2);
  });

  it('estimateMinResource uses the longest COMPLETE curve, at least 1', () => {
    const estimate = (trials: Parameters<typeof fakeHistory>[0]) =>
      estimateMinResource(fakeHistory(trials).longestCompletedStep());
    expect(estimate([])).toBeNull();
    expect(estimate([frozenTrial(0, { state: 'RUNNING', curve: { 500: 1 } })])).toBeNull();
    expect(estimate([frozenTrial(0, { state: 'COMPLETE', value: 1, curve: { 50: 1 } })])).toBe(1);
    expect(
      estimate([
        frozenTrial(0, { state: 'COMPLETE', value: 1, curve: { 120: 1 } }),
        frozenTrial(1, { state: 'COMPLETE', value: 1, curve: { 399: 1 } }),
      ]),
    ).toBe(3);
  });

  it('bootstrapCount: prunes at a rung until more than that many trials reached it', async () => {
    const study = await shStudy(
      new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2, bootstrapCount: 1 }),
    );
    const first = await study.ask();
    const second = await study.ask();
    await first.report(1, 1);
    expect(first.shouldPrune()).toBe(true);
    await first.flush();
    await second.report(1, 1);
    expect(second.shouldPrune()).toBe(false);
  });

  it('refuses multi-objective studies', () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1 });
    const study = fakeHistory([], { directions: ['minimize', 'minimize'] });
    expect(() => pruner.prune(study, contextOf(frozenTrial(0, { curve: { 1: 1 } })).ctx)).toThrow(
      InvalidArgumentError,
    );
  });

  it('checks its options, naming the one at fault', () => {
    expect(() => new SuccessiveHalvingPruner({ minResource: 'fixed' as 'auto' })).toThrow(
      /^minResource must be 'auto'/,
    );
    expect(() => new SuccessiveHalvingPruner({ minResource: 0 })).toThrow(
      /^minResource must be an integer >= 1/,
    );
    expect(() => new SuccessiveHalvingPruner({ reductionFactor: 1 })).toThrow(
      /^reductionFactor must be an integer >= 2/,
    );
    expect(() => new SuccessiveHalvingPruner({ minEarlyStoppingRate: -1 })).toThrow(/^minEarlyStoppingRate/);
    expect(() => new SuccessiveHalvingPruner({ minResource: 1, bootstrapCount: -1 })).toThrow(
      /^bootstrapCount/,
    );
    expect(() => new SuccessiveHalvingPruner({ bootstrapCount: 1 })).toThrow(InvalidArgumentError);
    expect(() => new SuccessiveHalvingPruner({ bootstrapCount: 1 })).toThrow(
      /bootstrapCount > 0 needs a numeric minResource/,
    );
    expect(new SuccessiveHalvingPruner({ minResource: 3 }).minResource).toBe(3);
  });

  it('stops weak trials of an optimize run at their first rung', async () => {
    const study = await shStudy(new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }));
    // Loss curves base + 1 / (step + 1) over 16 steps.
    const bases = [0.5, 0.9, 0.2, 0.8, 0.1];
    await study.optimize(
      async (trial) => {
        let loss = 0;
        for (let step = 0; step < 16; step++) {
          loss = bases[trial.number] + 1 / (step + 1);
          await trial.report(loss, step);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return loss;
      },
      { nTrials: bases.length },
    );
    // 0.9 is 2nd of 2 at rung 0; 0.8 is 3rd of 4 (only the top 2 go on). The others improve on the best.
    expect(study.trials.map((t) => t.state)).toEqual([
      'COMPLETE',
      'PRUNED',
      'COMPLETE',
      'PRUNED',
      'COMPLETE',
    ]);
    expect(study.trials[1].intermediateValues).toEqual({ 0: 1.9, 1: 1.4 });
    expect(study.trials[4].systemAttrs).toEqual({
      completed_rung_0: 0.6,
      completed_rung_1: 0.1 + 1 / 3,
      completed_rung_2: 0.1 + 1 / 5,
      completed_rung_3: 0.1 + 1 / 9,
    });
  });
});
