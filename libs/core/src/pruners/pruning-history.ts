import type { StudyDirection } from '../trial/trial-state';

/**
 * What pruners read about the other trials of a study: the figures they compare a running trial
 * against, and nothing else. Reads are synchronous (pruners are); the implementation answers from a
 * cache that its owner refreshes before each decision (PruningSource). The library derives it from
 * the study's trials (StudyPruningHistory); a platform worker reads an index of every worker's values
 * in Redis, so that a decision does not read the whole study.
 */
export interface PruningHistory {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  /** How many trials of the study are COMPLETE. */
  completedTrialCount(): number;
  /**
   * The values the COMPLETE trials reported at exactly `step` (NaN included; a trial that did not
   * report that step has no value here), in no particular order.
   */
  valuesAtStep(step: number): readonly number[];
  /** The largest last step of the COMPLETE trials; null while none of them reported anything. */
  longestCompletedStep(): number | null;
  /**
   * The values trials recorded on reaching successive-halving rung `rung` (trial number → value),
   * whatever their state now. Values recorded since the last refresh may be missing.
   */
  rungValues(rung: number): ReadonlyMap<number, number>;
  /**
   * Records that trial `trialNumber` reached rung `rung` with `value`, for the other trials' decisions.
   * The pruner also writes it on the trial (`completed_rung_<rung>`), which is what persists.
   */
  recordRung(trialNumber: number, rung: number, value: number): void;
}

/**
 * A PruningHistory and how to keep it current, as a study uses it: `refresh` after each report of a
 * trial, before its pruner runs; `flush` through the trial's write queue after each decision, so that
 * a recorded rung that could not be stored fails the trial's next write like any other.
 */
export interface PruningSource extends PruningHistory {
  /** Brings the history up to date for a decision at `step`. */
  refresh(step: number): Promise<void>;
  /** Waits until the rungs trial `trialNumber` recorded are stored; rethrows the first failure. */
  flush(trialNumber: number): Promise<void>;
}
