/**
 * The metrics that the worker and scheduler processes record in Redis and the API exposes on `/metrics`.
 * Names follow Prometheus conventions (base units, `_total` counters); label sets are small and fixed, so
 * the series count does not grow with the number of trials.
 */
export interface CounterDefinition {
  readonly name: string;
  readonly help: string;
}

export interface HistogramDefinition {
  readonly name: string;
  readonly help: string;
  /** Upper bounds of the buckets, increasing; `+Inf` is implied. */
  readonly buckets: readonly number[];
}

export const PRUNING_DECISIONS: CounterDefinition = {
  name: 'tuneforge_pruning_decisions_total',
  help: 'Pruner decisions taken by the workers after a reported intermediate value, by decision (pruned or kept).',
};

export const TRIALS_CREATED: CounterDefinition = {
  name: 'tuneforge_scheduler_trials_created_total',
  help: 'Trials the scheduler sampled and enqueued.',
};

export const TRIAL_DURATION: HistogramDefinition = {
  name: 'tuneforge_trial_duration_seconds',
  help: 'Wall-clock time from the start of a trial on a worker to its end, by final state.',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
};

export const REFILL_DURATION: HistogramDefinition = {
  name: 'tuneforge_scheduler_refill_duration_seconds',
  help: 'Time the scheduler spent per refill of a study: reading its trials, sampling new ones, enqueueing them.',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
};

export const TRIAL_RETRIES: CounterDefinition = {
  name: 'tuneforge_trial_retries_total',
  help: 'Trials sent back to run again, by reason (lease-expired: their worker was lost; worker-stopped: their worker shut down during the run; failed: the study retries failed trials).',
};

export const LEASE_EXPIRIES: CounterDefinition = {
  name: 'tuneforge_scheduler_lease_expiries_total',
  help: 'Running trials whose lease lapsed, reconciled by the scheduler, by outcome (requeued or failed: no retry left).',
};

export const TRANSIENT_RETRIES: CounterDefinition = {
  name: 'tuneforge_transient_retries_total',
  help: 'Calls retried because a dependency was unreachable, by dependency (database).',
};

export const COUNTERS: readonly CounterDefinition[] = [
  PRUNING_DECISIONS,
  TRIALS_CREATED,
  TRIAL_RETRIES,
  LEASE_EXPIRIES,
  TRANSIENT_RETRIES,
];
export const HISTOGRAMS: readonly HistogramDefinition[] = [TRIAL_DURATION, REFILL_DURATION];
