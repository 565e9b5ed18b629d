import type { TrialContext } from '../trial/trial-context';
import type { Pruner } from './pruner';
import type { PruningHistory } from './pruning-history';
import { checkKnownOptions } from '../options/known-options';

/**
 * Never prunes: every trial runs to its end. Use it to turn pruning off (the default pruner of
 * `createStudy` is a MedianPruner). Unlike the other pruners it accepts multi-objective studies,
 * since saying "no" needs no direction.
 */
export class NopPruner implements Pruner {
  /** NopPruner has no options; any option given is refused (it would otherwise be ignored). */
  constructor(options: Record<string, never> = {}) {
    checkKnownOptions('NopPruner', options, {});
  }

  prune(_history: PruningHistory, _trial: TrialContext): boolean {
    return false;
  }
}
