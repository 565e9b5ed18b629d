import { InMemoryStorage } from '../storage/in-memory-storage';
import { createStudy } from '../study/study';
import { NopPruner } from './nop-pruner';
import {
  contextOf,
  fakeHistory,
  frozenTrial,
  prunedSteps,
  studyWithCompleted,
} from './testing/pruner-fixtures';

describe('NopPruner', () => {
  it('never prunes, however bad or NaN the curve', async () => {
    const study = await studyWithCompleted(new NopPruner(), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const trial = await study.ask();
    expect(await prunedSteps(trial, [1e9, NaN, Infinity])).toEqual([]);
  });

  it('lets every trial of an optimize run complete', async () => {
    const study = await createStudy({ storage: new InMemoryStorage(), pruner: new NopPruner() });
    await study.optimize(
      async (trial) => {
        for (let step = 0; step < 3; step++) {
          await trial.report(trial.number * 10 + step, step);
          if (trial.shouldPrune()) throw new Error('NopPruner pruned');
        }
        return trial.number;
      },
      { nTrials: 8 },
    );
    expect(study.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
  });

  it('answers no for multi-objective studies too', () => {
    const study = fakeHistory([], { directions: ['minimize', 'maximize'] });
    expect(new NopPruner().prune(study, contextOf(frozenTrial(0, { curve: [1] })).ctx)).toBe(false);
  });
});
