/**
 * The platform's queues. Names are fixed; isolation between deployments (or test runs) sharing one
 * Redis comes from BullMQ's key prefix (`TUNEFORGE_QUEUE_PREFIX`, default `tuneforge`).
 */
/** One job per trial: a worker runs the trial's objective. */
export const TRIALS_QUEUE = 'trials';
/** One (deduplicated) job per study that needs new trials: the scheduler samples and enqueues them. */
export const REFILL_QUEUE = 'refill';

export const QUEUE_NAMES = [TRIALS_QUEUE, REFILL_QUEUE] as const;

export const DEFAULT_QUEUE_PREFIX = 'tuneforge';
