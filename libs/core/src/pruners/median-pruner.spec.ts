import { TrialPruned } from '../errors';
import { InMemoryStorage } from '../storage/in-memory-storage';
import { createStudy } from '../study/study';
import { MedianPruner } from './median-pruner';
import { addCompleted, prunedSteps, studyWithCompleted } from './testing/pruner-fixtures';

describe('MedianPruner', () => {
  it('is the default pruner of createStudy', async () => {
    const study = await createStudy({ storage: new InMemoryStorage() });
    expect(study.pruner).toBeInstanceOf(MedianPruner);
  });

  it('with its defaults: waits for 5 COMPLETE trials, then prunes above the median at every step', async () => {
    const study = await createStudy({ storage: new InMemoryStorage() });
    // Step values at 0, 1, 2: medians 3, 2, 1.
    const curves = [
      [1, 0.5, 0.2],
      [2, 1, 0.5],
      [3, 2, 1],
      [4, 3, 2],
      [5, 4, 3],
    ];
    for (const curve of curves.slice(0, 4)) await addCompleted(study, curve);

    const early = await study.ask();
    expect(await prunedSteps(early, [9, 9, 9])).toEqual([]);

    await addCompleted(study, curves[4]);
    const atMedian = await study.ask();
    expect(await prunedSteps(atMedian, [3, 2, 1])).toEqual([]);
    const late = await study.ask();
    // At the median until step 1, then above it at step 2 (its best so far, 2, is above 1).
    expect(await prunedSteps(late, [3, 2, 2.5])).toEqual([2]);
  });

  it('interpolates the median of an even number of trials', async () => {
    const study = await studyWithCompleted(new MedianPruner({ nStartupTrials: 4 }), [[1], [2], [3], [4]]);
    const atMedian = await study.ask();
    await atMedian.report(2.5, 0);
    expect(atMedian.shouldPrune()).toBe(false);
    const above = await study.ask();
    await above.report(2.6, 0);
    expect(above.shouldPrune()).toBe(true);
  });

  it('takes PercentilePruner options: warm-up, interval, nMinTrials', async () => {
    const pruner = new MedianPruner({ nStartupTrials: 1, nWarmupSteps: 1, intervalSteps: 2, nMinTrials: 2 });
    const study = await studyWithCompleted(pruner, [
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    const trial = await study.ask();
    // Checks at steps 1, 3, 5; step 5 was reached by one COMPLETE trial only.
    expect(await prunedSteps(trial, [1, 1, 1, 1, 1, 1])).toEqual([1, 3]);
    expect(() => new MedianPruner({ nStartupTrials: -1 })).toThrow(/^nStartupTrials/);
  });

  it('maximize: prunes below the median', async () => {
    const study = await studyWithCompleted(
      new MedianPruner({ nStartupTrials: 3 }),
      [[0.1], [0.5], [0.9]],
      'maximize',
    );
    const good = await study.ask();
    await good.report(0.5, 0);
    expect(good.shouldPrune()).toBe(false);
    const bad = await study.ask();
    await bad.report(0.4, 0);
    expect(bad.shouldPrune()).toBe(true);
  });

  it('ends bad trials PRUNED in an optimize run with the default pruner', async () => {
    const study = await createStudy({ storage: new InMemoryStorage() });
    // Loss curves base + 1 / (step + 1): the base decides every comparison.
    const bases = [0.5, 0.1, 0.9, 0.3, 0.7, 0.95, 0.05, 0.6, 0.2];
    await study.optimize(
      async (trial) => {
        let loss = 0;
        for (let step = 0; step < 10; step++) {
          loss = bases[trial.number] + 1 / (step + 1);
          await trial.report(loss, step);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return loss;
      },
      { nTrials: bases.length },
    );
    const states = study.trials.map((t) => t.state);
    // Five start-up trials run whole; then 0.95 and 0.6 are above the median of the COMPLETE bases
    // (0.5, then 0.4 once 0.05 completed) and stop at step 0, while 0.05 and 0.2 complete.
    expect(states).toEqual([
      'COMPLETE',
      'COMPLETE',
      'COMPLETE',
      'COMPLETE',
      'COMPLETE',
      'PRUNED',
      'COMPLETE',
      'PRUNED',
      'COMPLETE',
    ]);
    expect(study.trials[5].intermediateValues).toEqual({ 0: 1.95 });
    expect(study.trials[5].values).toEqual([1.95]);
    expect(study.bestTrial.number).toBe(6);
  });
});
