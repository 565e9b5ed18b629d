import type { TrialContext } from '../trial/trial-context';
import type { PruningHistory } from './pruning-history';

/**
 * Decides whether a running trial should stop. Called by `trial.shouldPrune()` (library, module
 * objectives) or by the worker after each reported value (platform), with the trial's intermediate
 * values up to the latest report and the other trials' figures (`history`) refreshed just before.
 */
export interface Pruner {
  prune(history: PruningHistory, trial: TrialContext): boolean;
}
