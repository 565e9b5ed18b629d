import { MAX_STUDY_PRIORITY, MIN_STUDY_PRIORITY } from '@tuneforge/platform';

/*
 * How running studies share the workers. Every study's jobs go to one BullMQ queue, so two rules keep a
 * study from taking more than its turn:
 *
 * 1. A study has at most `maxParallel` trials queued or running (`jobWindowSize`): a study with 10 000
 *    enqueued WAITING trials has `maxParallel` jobs in the queue, not 10 000, and gets the next as one ends.
 * 2. Each job's BullMQ priority (`trialJobPriority`) orders the queue by the study's `priority` first, then
 *    by the job's slot — how many trials of its study were already in flight when it was added — so every
 *    study's first trial in flight starts before any study's second, and so on (max-min fair in trials
 *    running at once); jobs of equal priority and slot start in the order they were added (FIFO).
 *
 * A study's priority orders; its maxParallel bounds: a study of higher priority takes up to maxParallel
 * workers before the others get any, and what it leaves goes round the others.
 */

/** Slots told apart; a job of a higher slot counts as this one (few platforms run 1 024 trials at once). */
export const SLOT_LEVELS = 1024;

/** BullMQ's lowest priority (largest number); 1 is its highest. */
const BULLMQ_MAX_PRIORITY = 2 ** 21;

/**
 * The BullMQ priority of a trial job (1 starts first): the study's priority, then the job's slot.
 * @param studyPriority from MIN_STUDY_PRIORITY to MAX_STUDY_PRIORITY, higher first
 * @param slot trials of the study in flight before this one (0 for its first)
 */
export function trialJobPriority(studyPriority: number, slot: number): number {
  if (
    !Number.isInteger(studyPriority) ||
    studyPriority < MIN_STUDY_PRIORITY ||
    studyPriority > MAX_STUDY_PRIORITY
  ) {
    throw new RangeError(
      `studyPriority must be an integer from ${MIN_STUDY_PRIORITY} to ${MAX_STUDY_PRIORITY}, got ${studyPriority}`,
    );
  }
  if (!Number.isInteger(slot) || slot < 0) throw new RangeError(`slot must be an integer >= 0, got ${slot}`);
  const level = MAX_STUDY_PRIORITY - studyPriority;
  const priority = level * SLOT_LEVELS + Math.min(slot, SLOT_LEVELS - 1) + 1;
  // (MAX - MIN) * 1024 + 1024 = 2 049 024 < 2^21: every level and slot fits BullMQ's range.
  return Math.min(priority, BULLMQ_MAX_PRIORITY);
}

/**
 * How many of a study's WAITING trials have (or get) a job: what `maxParallel` leaves beside the running
 * trials. They are the lowest-numbered ones, always the same until one starts or ends, so a refill that adds
 * their jobs again adds nothing (the job id is the trial's).
 */
export function jobWindowSize(waiting: number, running: number, maxParallel: number): number {
  return Math.min(waiting, Math.max(0, maxParallel - running));
}
