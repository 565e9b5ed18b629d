import { InvalidArgumentError } from '../errors';
import type { TrialContext } from '../trial/trial-context';
import type { PruningHistory } from './pruning-history';
import type { StudyDirection } from '../trial/trial-state';
import { PatientPruner } from './patient-pruner';
import type { Pruner } from './pruner';
import { ThresholdPruner } from './threshold-pruner';
import {
  contextOf,
  fakeHistory,
  frozenTrial,
  prunedSteps,
  studyWithCompleted,
} from './testing/pruner-fixtures';

/** A pruner that records the steps it was asked about and answers `answer`. */
class RecordingPruner implements Pruner {
  readonly askedAt: number[] = [];
  constructor(private readonly answer: boolean) {}
  prune(_history: PruningHistory, trial: TrialContext): boolean {
    this.askedAt.push(Math.max(...Object.keys(trial.intermediateValues).map(Number)));
    return this.answer;
  }
}

describe('PatientPruner', () => {
  it.each<[number, number, StudyDirection, number[], number[]]>([
    [0, 0, 'maximize', [1, 0], [1]],
    [1, 0, 'maximize', [2, 1, 0], [2]],
    [0, 0, 'minimize', [0, 1], [1]],
    [1, 0, 'minimize', [0, 1, 2], [2]],
    [0, 1, 'maximize', [1, 0], []],
    [1, 1, 'maximize', [3, 2, 1, 0], [3]],
    [0, 1, 'minimize', [0, 1], []],
    [1, 1, 'minimize', [0, 1, 2, 3], [3]],
  ])(
    'without a wrapped pruner: patience %d, minDelta %d, %s, curve %j prunes at %j',
    async (patience, minDelta, direction, curve, expected) => {
      const study = await studyWithCompleted(new PatientPruner(null, { patience, minDelta }), [], direction);
      expect(await prunedSteps(await study.ask(), curve)).toEqual(expected);
    },
  );

  it('keeps a trial that still improves within its patience', async () => {
    const study = await studyWithCompleted(new PatientPruner(null, { patience: 2 }), []);
    // 5 → 4 → 4.5 → 4.2 → 3.9: the improvement at step 4 comes just in time; then 3 flat steps prune.
    expect(await prunedSteps(await study.ask(), [5, 4, 4.5, 4.2, 3.9, 4, 4, 4])).toEqual([7]);
  });

  it('ignores NaN values: no stagnation is seen in a stretch of NaN only', async () => {
    const study = await studyWithCompleted(new PatientPruner(null, { patience: 0 }), []);
    const trial = await study.ask();
    expect(trial.shouldPrune()).toBe(false);
    expect(await prunedSteps(trial, [NaN, 1, NaN])).toEqual([]);
  });

  it('asks the wrapped pruner only once the curve stagnated, and follows its answer', async () => {
    const yes = new RecordingPruner(true);
    const yesStudy = await studyWithCompleted(new PatientPruner(yes, { patience: 1 }), []);
    expect(await prunedSteps(await yesStudy.ask(), [3, 2, 1, 1.5, 1.2, 0.5])).toEqual([4]);
    // Step 3: best of [3, 2] is 2, best of [1, 1.5] is 1, improving. Step 4: 1 vs best of [1.5, 1.2]: stagnated.
    expect(yes.askedAt).toEqual([4]);

    const no = new RecordingPruner(false);
    const noStudy = await studyWithCompleted(new PatientPruner(no, { patience: 1 }), []);
    expect(await prunedSteps(await noStudy.ask(), [3, 2, 1, 1.5, 1.2, 0.5])).toEqual([]);
    expect(no.askedAt).toEqual([4]);
  });

  it('with a real wrapped pruner: prunes a stalled curve only when it is also out of bounds', async () => {
    const pruner = new PatientPruner(new ThresholdPruner({ upper: 1 }), { patience: 1 });
    const study = await studyWithCompleted(pruner, []);
    // Both curves stall at step 3 (no better than 1.5, resp. 0.5); only the one above 1 is pruned.
    expect(await prunedSteps(await study.ask(), [2, 1.5, 1.6, 1.7])).toEqual([3]);
    expect(await prunedSteps(await study.ask(), [0.9, 0.5, 0.6, 0.7])).toEqual([]);
  });

  it('refuses multi-objective studies', () => {
    const study = fakeHistory([], { directions: ['minimize', 'maximize'] });
    const pruner = new PatientPruner(null, { patience: 0 });
    expect(() => pruner.prune(study, contextOf(frozenTrial(0, { curve: [1, 2] })).ctx)).toThrow(
      InvalidArgumentError,
    );
  });

  it('checks its options, naming the one at fault', () => {
    expect(() => new PatientPruner(null, { patience: -1 })).toThrow(/^patience must be an integer >= 0/);
    expect(() => new PatientPruner(null, { patience: 1.5 })).toThrow(/^patience/);
    expect(() => new PatientPruner(null, {} as { patience: number })).toThrow(/^patience/);
    expect(() => new PatientPruner(null, { patience: 0, minDelta: -1 })).toThrow(
      /^minDelta must be a finite number >= 0/,
    );
    expect(() => new PatientPruner(null, { patience: 0, minDelta: NaN })).toThrow(/^minDelta/);
    expect(() => new PatientPruner(null, { patience: 0, minDelta: 1 })).not.toThrow();
    expect(() => new PatientPruner(undefined as unknown as null, { patience: 0 })).toThrow(
      /^wrapped must be a Pruner/,
    );
  });
});
