import { checkKnownOptions } from '../options/known-options';
import {
  PercentilePruner,
  PERCENTILE_PRUNER_COMMON_OPTIONS,
  type PercentilePrunerCommonOptions,
} from './percentile-pruner';

/** MedianPruner's options: PercentilePruner's, without the percentile. */
export type MedianPrunerOptions = PercentilePrunerCommonOptions;

/**
 * Prunes a trial whose best intermediate value so far is worse than the median of the values the
 * COMPLETE trials reported at the same step: PercentilePruner at 50. The default pruner of
 * `createStudy`: with its defaults it waits for 5 COMPLETE trials, has no warm-up and checks at
 * every step.
 */
export class MedianPruner extends PercentilePruner {
  constructor(options: MedianPrunerOptions = {}) {
    // Checked here, not by PercentilePruner: `percentile` is not a MedianPruner option.
    checkKnownOptions('MedianPruner', options, PERCENTILE_PRUNER_COMMON_OPTIONS);
    super({ ...options, percentile: 50 });
  }
}
