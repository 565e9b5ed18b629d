import { distributionsEqual, type Distribution } from '../distributions';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { TrialState } from '../trial/trial-state';
import type { SearchSpace } from './sampler';

export interface CompleteTrialsIntersectionOptions {
  /**
   * The trials whose spaces are intersected: finished states only (a finished trial never changes).
   * TPE passes COMPLETE and PRUNED, the trials it models. @defaultValue ['COMPLETE']
   */
  states?: readonly Extract<TrialState, 'COMPLETE' | 'PRUNED' | 'FAIL'>[];
}

/**
 * The intersection of the search spaces of a study's COMPLETE trials (or of the finished `states` given):
 * the parameters every one of them has, with the same distribution everywhere. Kept incrementally (a
 * finished trial never changes), so a long study costs one pass over the trials finished since the
 * last call.
 *
 * Read from the StudyView, for the samplers that model the relative search space as a whole (CMA-ES, GP,
 * NSGA-II, multivariate TPE without groups); single-valued distributions are kept, each sampler filters
 * what it models.
 */
export class CompleteTrialsIntersection {
  private readonly states: readonly TrialState[];
  private studyId: number | null = null;
  private space: Map<string, Distribution> | null = null;
  private readonly folded = new Set<number>();
  private lastList: readonly FrozenTrial[] | null = null;
  private lastResult: SearchSpace = {};

  constructor(options: CompleteTrialsIntersectionOptions = {}) {
    this.states = options.states ?? ['COMPLETE'];
  }

  calculate(study: StudyView): SearchSpace {
    if (this.studyId !== study.studyId) {
      this.studyId = study.studyId;
      this.space = null;
      this.folded.clear();
      this.lastList = null;
      this.lastResult = {};
    }
    const complete = study.getTrials(this.states);
    if (complete === this.lastList) return { ...this.lastResult };
    // Folded trials stay finished, so the unfolded ones number complete.length − folded.size; they are
    // mostly the newest, so look from the end and stop once all are found.
    let missing = complete.length - this.folded.size;
    let changed = false;
    for (let i = complete.length - 1; i >= 0 && missing > 0; i--) {
      const t = complete[i];
      if (this.folded.has(t.trialId)) continue;
      this.folded.add(t.trialId);
      missing--;
      changed = true;
      if (this.space === null) {
        this.space = new Map(Object.entries(t.distributions));
        continue;
      }
      for (const [name, d] of this.space) {
        const other = t.distributions[name];
        if (!other || !distributionsEqual(d, other)) this.space.delete(name);
      }
    }
    this.lastList = complete;
    if (changed) {
      const result: SearchSpace = {};
      for (const name of [...(this.space?.keys() ?? [])].sort()) result[name] = this.space!.get(name)!;
      this.lastResult = result;
    }
    return { ...this.lastResult };
  }
}
