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

/**
 * BullMQ's key prefix for a deployment's prefix: the prefix as a Redis Cluster hash tag, so that every key of
 * the queues lands in one slot (BullMQ's Lua scripts touch many keys of a queue at once). On one Redis server
 * the braces are only part of the name.
 */
export function queueKeyPrefix(prefix: string): string {
  return `{${prefix}}`;
}
