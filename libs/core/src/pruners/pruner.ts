import type { TrialContext } from '../samplers/sampler';
import type { StudyView } from '../study/study-view';

/**
 * Decides whether a running trial should stop. Called by `trial.shouldPrune()` (library, module
 * objectives) or by the worker after each reported value (platform), with the trial's intermediate
 * values up to the latest report and the study's history refreshed just before.
 */
export interface Pruner {
  prune(study: StudyView, trial: TrialContext): boolean;
}
