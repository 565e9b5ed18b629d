import { InvalidArgumentError, TrialPruned } from '../errors';
import { InMemoryStorage } from '../storage/in-memory-storage';
import { createStudy } from '../study/study';
import { ThresholdPruner } from './threshold-pruner';
import {
  contextOf,
  fakeHistory,
  frozenTrial,
  prunedSteps,
  studyWithCompleted,
} from './testing/pruner-fixtures';

describe('ThresholdPruner', () => {
  it('upper: prunes a value above it, on the trial alone (no COMPLETE trial needed)', async () => {
    const study = await studyWithCompleted(new ThresholdPruner({ upper: 2 }), []);
    const trial = await study.ask();
    expect(trial.shouldPrune()).toBe(false);
    expect(await prunedSteps(trial, { 1: 1, 2: 3 })).toEqual([2]);
  });

  it('lower: prunes a value below it', async () => {
    const study = await studyWithCompleted(new ThresholdPruner({ lower: 2 }), []);
    expect(await prunedSteps(await study.ask(), { 1: 3, 2: 1 })).toEqual([2]);
  });

  it('both bounds: judges the latest value only; the bounds themselves are allowed', async () => {
    const study = await studyWithCompleted(new ThresholdPruner({ lower: 0, upper: 1 }), []);
    expect(await prunedSteps(await study.ask(), { 1: -0.1, 2: 0, 3: 0.4, 4: 1, 5: 1.1 })).toEqual([1, 5]);
  });

  it('prunes a NaN value', async () => {
    const study = await studyWithCompleted(new ThresholdPruner({ upper: 10 }), []);
    expect(await prunedSteps(await study.ask(), [1, NaN, 2])).toEqual([1]);
  });

  it('waits for nWarmupSteps and checks at the first reported step of each interval', async () => {
    const warm = await studyWithCompleted(new ThresholdPruner({ upper: 0, nWarmupSteps: 2 }), []);
    expect(await prunedSteps(await warm.ask(), [1, 1, 1, 1])).toEqual([2, 3]);

    const spaced = await studyWithCompleted(
      new ThresholdPruner({ upper: 0, nWarmupSteps: 1, intervalSteps: 3 }),
      [],
    );
    expect(await prunedSteps(await spaced.ask(), [1, 1, 1, 1, 1, 1, 1, 1])).toEqual([1, 4, 7]);
    // Step 4 skipped: the interval [4, 7) is checked at step 5 instead.
    expect(await prunedSteps(await spaced.ask(), { 0: 1, 1: 1, 5: 1, 6: 1, 7: 1 })).toEqual([1, 5, 7]);
  });

  it('accepts infinite bounds and refuses multi-objective studies', () => {
    const pruner = new ThresholdPruner({ lower: -Infinity, upper: 5 });
    expect(pruner.prune(fakeHistory([]), contextOf(frozenTrial(0, { curve: [-1e300] })).ctx)).toBe(false);
    const twoObjectives = fakeHistory([], { directions: ['minimize', 'minimize'] });
    expect(() => pruner.prune(twoObjectives, contextOf(frozenTrial(0, { curve: [1] })).ctx)).toThrow(
      InvalidArgumentError,
    );
  });

  it('checks its options, naming the one at fault', () => {
    expect(() => new ThresholdPruner({})).toThrow(
      new InvalidArgumentError('ThresholdPruner needs at least one of lower or upper.'),
    );
    expect(() => new ThresholdPruner({ lower: 2, upper: 1 })).toThrow(/^lower must be <= upper/);
    expect(() => new ThresholdPruner({ lower: NaN })).toThrow(/^lower must be a number/);
    expect(() => new ThresholdPruner({ upper: '3' as unknown as number })).toThrow(/^upper must be a number/);
    expect(() => new ThresholdPruner({ upper: 1, nWarmupSteps: -1 })).toThrow(/^nWarmupSteps/);
    expect(() => new ThresholdPruner({ upper: 1, intervalSteps: 0 })).toThrow(/^intervalSteps/);
    expect(() => new ThresholdPruner({ lower: 1, upper: 1 })).not.toThrow();
  });

  it('stops diverging trials of an optimize run', async () => {
    const study = await createStudy({
      storage: new InMemoryStorage(),
      pruner: new ThresholdPruner({ upper: 100 }),
    });
    // Odd trials diverge (the loss doubles each step), even ones converge.
    await study.optimize(
      async (trial) => {
        let loss = 10;
        for (let step = 0; step < 8; step++) {
          loss = trial.number % 2 === 1 ? loss * 2 : loss / 2;
          await trial.report(loss, step);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return loss;
      },
      { nTrials: 4 },
    );
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'PRUNED', 'COMPLETE', 'PRUNED']);
    // 10 * 2^4 = 160 is the first value above 100, at step 3.
    expect(study.trials[1].values).toEqual([160]);
  });
});
