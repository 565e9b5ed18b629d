import type { PruningSnapshot, RedisPruningIndex } from './pruning-index';
import { RedisPruningHistory } from './redis-pruning-history';

const study = { studyId: 7, studyName: 's', directions: ['minimize' as const] };

function snapshotOf(values: number[]): PruningSnapshot {
  return { completedTrialCount: values.length, valuesAtStep: values, longestCompletedStep: 3, rungs: [] };
}

/** An index whose reads answer in turn from `answers` (an Error is thrown), then keep the last. */
function indexAnswering(answers: Array<PruningSnapshot | Error>) {
  let reads = 0;
  const index = {
    snapshot: () => {
      const answer = answers[Math.min(reads++, answers.length - 1)];
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
    recordRung: () => Promise.reject(new Error('Connection is closed.')),
  };
  return { index: index as unknown as RedisPruningIndex, reads: () => reads };
}

describe('RedisPruningHistory when Redis is out of reach', () => {
  it('waits Redis out: the read that comes back is the one decided on', async () => {
    const down = new Error('Connection is closed.');
    const { index, reads } = indexAnswering([down, down, snapshotOf([1, 2])]);
    const report = jest.fn();
    const history = new RedisPruningHistory(index, study, { waitMs: 5_000, report });
    await history.refresh(3);
    expect(reads()).toBe(3);
    expect(history.valuesAtStep(3)).toEqual([1, 2]);
    expect(history.completedTrialCount()).toBe(2);
    expect(report).not.toHaveBeenCalled();
  });

  it('after waitMs, decides on the figures read before and says so; a failed rung write is reported, not thrown', async () => {
    const { index } = indexAnswering([snapshotOf([4]), new Error('Connection is closed.')]);
    const report = jest.fn();
    const history = new RedisPruningHistory(index, study, { waitMs: 120, report });
    await history.refresh(3);
    await history.refresh(3);
    await history.refresh(5);
    expect(history.valuesAtStep(3)).toEqual([4]);
    expect(history.valuesAtStep(5)).toEqual([]);
    expect(history.completedTrialCount()).toBe(1);
    expect(report.mock.calls.map(([what]) => what)).toEqual(['read of step 3', 'read of step 5']);

    history.recordRung(2, 0, 0.5);
    await expect(history.flush(2)).resolves.toBeUndefined();
    expect(report).toHaveBeenLastCalledWith('rung write of trial 2', new Error('Connection is closed.'));
  });
});
