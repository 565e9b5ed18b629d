import type { StudyView } from '../study/study-view';
import { lastStep } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/trial-state';
import type { PruningSource } from './pruning-history';
import { completedRungKey } from './successive-halving-pruner';

/**
 * The pruning history of a study in this process, derived from its trials as `view` shows them: the
 * library's default. Rungs are the trials' `completed_rung_<k>` system attributes, so `recordRung`
 * has nothing to do: the pruner's write on the trial is read back at the next refresh.
 */
export class StudyPruningHistory implements PruningSource {
  constructor(
    private readonly view: StudyView,
    private readonly refreshView: () => Promise<void> = () => Promise.resolve(),
  ) {}

  get studyName(): string {
    return this.view.studyName;
  }

  get directions(): readonly StudyDirection[] {
    return this.view.directions;
  }

  refresh(_step: number): Promise<void> {
    return this.refreshView();
  }

  flush(_trialNumber: number): Promise<void> {
    return Promise.resolve();
  }

  completedTrialCount(): number {
    return this.view.getTrials(['COMPLETE']).length;
  }

  valuesAtStep(step: number): readonly number[] {
    const values: number[] = [];
    for (const t of this.view.getTrials(['COMPLETE'])) {
      const v = t.intermediateValues[step];
      if (v !== undefined) values.push(v);
    }
    return values;
  }

  longestCompletedStep(): number | null {
    let longest: number | null = null;
    for (const t of this.view.getTrials(['COMPLETE'])) {
      const last = lastStep(t);
      if (last !== null && (longest === null || last > longest)) longest = last;
    }
    return longest;
  }

  rungValues(rung: number): ReadonlyMap<number, number> {
    const key = completedRungKey(rung);
    const values = new Map<number, number>();
    for (const t of this.view.getTrials()) {
      const v = t.systemAttrs[key];
      if (typeof v === 'number') values.set(t.number, v);
    }
    return values;
  }

  recordRung(_trialNumber: number, _rung: number, _value: number): void {
    // The trial's own attribute is the record (see the class comment).
  }
}
