import {
  blankTrial,
  type FrozenTrial,
  type PruningSource,
  type StudyView,
  type TrialState,
} from '@tuneforge/core';
import type { JsonValue } from '@tuneforge/core';
import { RedisPruningIndex, type PruningSnapshot } from './pruning-index';

const EMPTY: PruningSnapshot = { completed: new Map(), atStep: new Map(), rungs: new Map() };

function synthetic(number: number, state: TrialState, fields: Partial<FrozenTrial>): FrozenTrial {
  return { ...blankTrial(-1, number, state), ...fields };
}

/**
 * The pruners' view of the other trials in a platform worker, read from the Redis index instead of the
 * study's history: COMPLETE trials with their value at the step being judged (and their last step, for
 * pruners that size their rungs from it), and every trial's successive-halving rung values.
 *
 * One source serves the concurrent trials of a study in this process: `refresh` and the pruner's
 * synchronous read that follows it run in one continuation of the event loop, so a refresh for
 * another trial cannot come between them.
 */
export class RedisPruningSource implements PruningSource {
  private snapshot: PruningSnapshot = EMPTY;
  private step = 0;
  readonly view: StudyView;

  constructor(
    private readonly index: RedisPruningIndex,
    private readonly studyId: number,
    study: Omit<StudyView, 'getTrials'>,
  ) {
    this.view = {
      studyId: study.studyId,
      studyName: study.studyName,
      directions: study.directions,
      get direction() {
        return study.direction;
      },
      get systemAttrs() {
        return study.systemAttrs;
      },
      stop: () => study.stop(),
      getTrials: (states) => this.trials(states),
    };
  }

  async refresh(_trial: FrozenTrial, step: number): Promise<void> {
    this.snapshot = await this.index.snapshot(this.studyId, step);
    this.step = step;
  }

  async recordSystemAttr(trial: FrozenTrial, key: string, value: JsonValue): Promise<void> {
    await this.index.recordSystemAttr(this.studyId, trial.number, key, value);
  }

  private trials(states?: readonly TrialState[]): FrozenTrial[] {
    const { completed, atStep, rungs } = this.snapshot;
    const out: FrozenTrial[] = [];
    if (!states || states.includes('COMPLETE')) {
      for (const [number, last] of completed) {
        const intermediateValues: Record<number, number> = {};
        // The last step only matters for its key (rung sizing); its value is not read.
        if (last !== null) intermediateValues[last] = NaN;
        if (atStep.has(number)) intermediateValues[this.step] = atStep.get(number)!;
        out.push(synthetic(number, 'COMPLETE', { intermediateValues, systemAttrs: rungs.get(number) ?? {} }));
      }
    }
    if (!states || states.includes('RUNNING')) {
      for (const [number, attrs] of rungs) {
        if (!completed.has(number)) out.push(synthetic(number, 'RUNNING', { systemAttrs: attrs }));
      }
    }
    return out.sort((a, b) => a.number - b.number);
  }
}
