import { InvalidArgumentError, TrialPruned } from '../errors';
import { InMemoryStorage } from '../storage/in-memory-storage';
import { createStudy } from '../study/study';
import { PercentilePruner } from './percentile-pruner';
import { StudyPruningHistory } from './study-pruning-history';
import {
  addCompleted,
  contextOf,
  fakeHistory,
  frozenTrial,
  prunedSteps,
  studyWithCompleted,
} from './testing/pruner-fixtures';

/** Five COMPLETE trials whose step-1 values are 1..5 (25th percentile 2, 75th 4). */
const ONE_TO_FIVE = [1, 2, 3, 4, 5].map((v) => ({ 1: v }));

describe('PercentilePruner', () => {
  it.each([['minimize', 2.1, 2] as const, ['maximize', 3.9, 4] as const])(
    '%s: prunes a trial worse than the 25th percentile of the best, keeps one at it',
    async (direction, worse, at) => {
      const pruner = new PercentilePruner({ percentile: 25, nStartupTrials: 0 });
      const study = await studyWithCompleted(pruner, ONE_TO_FIVE, direction);

      const bad = await study.ask();
      // Nothing reported yet: nothing to judge.
      expect(bad.shouldPrune()).toBe(false);
      await bad.report(worse, 1);
      expect(bad.shouldPrune()).toBe(true);

      const borderline = await study.ask();
      await borderline.report(at, 1);
      expect(borderline.shouldPrune()).toBe(false);
    },
  );

  it('does not prune before nStartupTrials trials are COMPLETE (running and pruned ones do not count)', async () => {
    const pruner = new PercentilePruner({ percentile: 50, nStartupTrials: 3 });
    const study = await studyWithCompleted(pruner, [{ 0: 1 }, { 0: 2 }]);
    await study.addTrial({ state: 'PRUNED', intermediateValues: { 0: 0.5 } });
    const other = await study.ask();
    await other.report(0.1, 0);

    const trial = await study.ask();
    await trial.report(10, 0);
    expect(trial.shouldPrune()).toBe(false);

    await addCompleted(study, { 0: 3 });
    expect(trial.shouldPrune()).toBe(true);
  });

  it('never prunes without a COMPLETE trial, even with nStartupTrials = 0', async () => {
    const pruner = new PercentilePruner({ percentile: 50, nStartupTrials: 0 });
    const study = await studyWithCompleted(pruner, []);
    const trial = await study.ask();
    await trial.report(1e9, 0);
    expect(trial.shouldPrune()).toBe(false);
  });

  it('waits for nWarmupSteps before judging', async () => {
    const pruner = new PercentilePruner({ percentile: 50, nStartupTrials: 0, nWarmupSteps: 2 });
    const study = await studyWithCompleted(pruner, [[1, 1, 1, 1]]);
    const trial = await study.ask();
    expect(await prunedSteps(trial, [5, 5, 5, 5])).toEqual([2, 3]);
  });

  it('judges only the first reported step of each interval', async () => {
    const pruner = new PercentilePruner({ percentile: 50, nStartupTrials: 0, intervalSteps: 3 });
    const study = await studyWithCompleted(pruner, [[1, 1, 1, 1, 1, 1, 1]]);

    const everyStep = await study.ask();
    expect(await prunedSteps(everyStep, [5, 5, 5, 5, 5, 5, 5])).toEqual([0, 3, 6]);

    // Step 3 skipped: the check of the interval [3, 6) happens at step 4, and only there.
    const sparse = await study.ask();
    expect(await prunedSteps(sparse, { 0: 5, 4: 5, 5: 5, 6: 5 })).toEqual([0, 4, 6]);
  });

  it('combines warm-up and interval: checks at nWarmupSteps, then every intervalSteps', async () => {
    const pruner = new PercentilePruner({
      percentile: 50,
      nStartupTrials: 0,
      nWarmupSteps: 1,
      intervalSteps: 2,
    });
    const study = await studyWithCompleted(pruner, [[1, 1, 1, 1, 1, 1]]);
    const trial = await study.ask();
    expect(await prunedSteps(trial, [5, 5, 5, 5, 5, 5])).toEqual([1, 3, 5]);
  });

  it('compares the best value so far, not the latest one', async () => {
    const pruner = new PercentilePruner({ percentile: 50, nStartupTrials: 0 });
    const study = await studyWithCompleted(pruner, [
      [3, 2, 1],
      [3, 2, 1],
    ]);
    const trial = await study.ask();
    // 0.5 at step 0 stays its best: 0.5 <= 2 and 0.5 <= 1 at the next steps although 4 and 9 are worse.
    expect(await prunedSteps(trial, [0.5, 4, 9])).toEqual([]);
  });

  it('uses only the COMPLETE trials that reported the current step, and needs nMinTrials of them', async () => {
    const pruner = new PercentilePruner({ percentile: 50, nStartupTrials: 0, nMinTrials: 2 });
    // Three COMPLETE trials; only one went as far as step 2.
    const study = await studyWithCompleted(pruner, [
      [1, 1],
      [1, 1],
      [1, 1, 1],
    ]);
    const trial = await study.ask();
    expect(await prunedSteps(trial, [5, 5, 5])).toEqual([0, 1]);

    const lenient = new PercentilePruner({ percentile: 50, nStartupTrials: 0 });
    expect(lenient.prune(new StudyPruningHistory(study.view), contextOf(trial.snapshot()).ctx)).toBe(true);
  });

  it('does not prune at a step no COMPLETE trial reached', async () => {
    const pruner = new PercentilePruner({ percentile: 50, nStartupTrials: 0 });
    const study = await studyWithCompleted(pruner, [[1, 1]]);
    const trial = await study.ask();
    expect(await prunedSteps(trial, [5, 5, 5, 5])).toEqual([0, 1]);
  });

  it('prunes a trial whose values are all NaN; a NaN among numbers is ignored', async () => {
    const pruner = new PercentilePruner({ percentile: 25, nStartupTrials: 0 });
    const study = await studyWithCompleted(pruner, [[1, 1, 1]]);

    const allNaN = await study.ask();
    await allNaN.report(NaN, 0);
    expect(allNaN.shouldPrune()).toBe(true);

    const recovering = await study.ask();
    expect(await prunedSteps(recovering, [0.5, NaN, NaN])).toEqual([]);
  });

  it('does not prune when the percentile itself is NaN (the others reported only NaN)', async () => {
    const pruner = new PercentilePruner({ percentile: 25, nStartupTrials: 0 });
    const study = await studyWithCompleted(pruner, [{ 1: NaN }]);
    const trial = await study.ask();
    await trial.report(1, 1);
    expect(trial.shouldPrune()).toBe(false);
  });

  it('percentile 0 keeps only trials as good as the best; 100 keeps all but NaN curves', async () => {
    const keepBest = new PercentilePruner({ percentile: 0, nStartupTrials: 0 });
    const keepAll = new PercentilePruner({ percentile: 100, nStartupTrials: 0 });
    const history = fakeHistory([1, 2, 3].map((v, i) => frozenTrial(i, { state: 'COMPLETE', curve: [v] })));
    const second = contextOf(frozenTrial(3, { curve: [2] })).ctx;
    const worst = contextOf(frozenTrial(4, { curve: [3] })).ctx;
    expect(keepBest.prune(history, contextOf(frozenTrial(5, { curve: [1] })).ctx)).toBe(false);
    expect(keepBest.prune(history, second)).toBe(true);
    expect(keepAll.prune(history, worst)).toBe(false);
    expect(keepAll.prune(history, contextOf(frozenTrial(6, { curve: [4] })).ctx)).toBe(true);
  });

  it('refuses multi-objective studies', () => {
    const pruner = new PercentilePruner({ percentile: 50 });
    const study = fakeHistory([], { directions: ['minimize', 'minimize'] });
    expect(() => pruner.prune(study, contextOf(frozenTrial(0, { curve: [1] })).ctx)).toThrow(
      InvalidArgumentError,
    );
  });

  it('checks its options, naming the one at fault', () => {
    expect(() => new PercentilePruner({ percentile: 101 })).toThrow(
      /^percentile must be a number between 0 and 100/,
    );
    expect(() => new PercentilePruner({ percentile: -1 })).toThrow(RangeError);
    expect(() => new PercentilePruner({ percentile: NaN })).toThrow(RangeError);
    expect(() => new PercentilePruner({ percentile: 50, nStartupTrials: -1 })).toThrow(/^nStartupTrials/);
    expect(() => new PercentilePruner({ percentile: 50, nWarmupSteps: 0.5 })).toThrow(/^nWarmupSteps/);
    expect(() => new PercentilePruner({ percentile: 50, intervalSteps: 0 })).toThrow(/^intervalSteps/);
    expect(() => new PercentilePruner({ percentile: 50, nMinTrials: 0 })).toThrow(/^nMinTrials/);
    expect(
      () => new PercentilePruner({ percentile: 0, nStartupTrials: 0, nWarmupSteps: 0, nMinTrials: 1 }),
    ).not.toThrow();
  });

  it('stops bad trials of a real optimize run', async () => {
    const study = await createStudy({
      storage: new InMemoryStorage(),
      direction: 'maximize',
      pruner: new PercentilePruner({ percentile: 25, nStartupTrials: 2 }),
    });
    // Accuracy curves: trials 0, 1 and 3 learn well, trial 2 learns badly.
    const ceilings = [0.9, 0.8, 0.3, 0.95];
    await study.optimize(
      async (trial) => {
        let accuracy = 0;
        for (let step = 0; step < 5; step++) {
          accuracy = ceilings[trial.number] * (1 - 1 / (step + 2));
          await trial.report(accuracy, step);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return accuracy;
      },
      { nTrials: 4 },
    );
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'PRUNED', 'COMPLETE']);
    expect(study.trials[2].intermediateValues).toEqual({ 0: 0.15 });
  });
});
