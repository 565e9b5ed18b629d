import type { Distribution, ParamValue } from '../distributions';
import type { StudyDirection } from '../trial/trial-state';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { TrialContext } from '../trial/trial-context';
import type { TrialState } from '../trial/trial-state';

/**
 * Parameter name → distribution, in a stable (sorted by name) order: what a sampler samples, e.g. the
 * relative search space it infers. The declarative space a user writes is a SearchSpaceDefinition (space/).
 */
export type SearchSpace = Record<string, Distribution>;

/**
 * The sampler contract, in the order the study calls it for each trial:
 * `beforeTrial` → `inferRelativeSearchSpace` → `sampleRelative` (at ask time) →
 * `sampleIndependent` (each parameter the relative sample did not cover, as the objective suggests
 * it) → `afterTrial` (at tell time, before the trial's state is stored).
 *
 * Methods are synchronous and read history only through the StudyView, which the study refreshed
 * just before. Values returned are external values (a categorical's choice, not its index).
 */
export interface Sampler {
  /**
   * False when the sampler never reads the study's trials (its draws depend only on its seed, the trial's
   * number and the parameter): a process that plans trials with it need not read or keep the history
   * (LoadStudyOptions.keep 'none'). @defaultValue true
   */
  readonly readsHistory?: boolean;

  /**
   * Throws an InvalidArgumentError when the sampler cannot serve a study of these directions (e.g. one
   * objective only). Called when a study is created or loaded, before anything is stored.
   */
  checkDirections?(directions: readonly StudyDirection[]): void;

  /** Called once per trial, at ask time, before anything else is sampled. */
  beforeTrial?(study: StudyView, trial: TrialContext): void;

  /**
   * Called once per trial, at ask time: the parameters to sample jointly (e.g. the intersection of the
   * completed trials' spaces). Return `{}` for a purely independent sampler.
   */
  inferRelativeSearchSpace(study: StudyView, trial: TrialContext): SearchSpace;

  /** Called once per trial, at ask time, with the space just inferred; returns values for (a subset of) it. */
  sampleRelative(study: StudyView, trial: TrialContext, searchSpace: SearchSpace): Record<string, ParamValue>;

  /**
   * Called while the objective runs, for each parameter that is neither fixed (enqueued) nor in the
   * relative sample: define-by-run parameters met for the first time, conditional ones, etc.
   */
  sampleIndependent(
    study: StudyView,
    trial: TrialContext,
    name: string,
    distribution: Distribution,
  ): ParamValue;

  /** Called once per trial at tell time, before its final state is stored. */
  afterTrial?(
    study: StudyView,
    trial: FrozenTrial,
    state: TrialState,
    values: readonly number[] | null,
  ): void;
}
