/** Job payloads shared by the api, scheduler and worker roles. Plain JSON. */

export interface TrialJobData {
  studyId: number;
  trialId: number;
  trialNumber: number;
}

export type RefillReason = 'start' | 'resume' | 'trial-finished' | 'sweep';

export interface RefillJobData {
  studyId: number;
  reason: RefillReason;
}

/** Invalid job data: retrying cannot help (the worker maps it to BullMQ's UnrecoverableError). */
export class InvalidJobDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJobDataError';
  }
}

/**
 * The job id of a trial: one job per trial, so a repeated `add` is ignored while the job exists.
 * BullMQ refuses plain integers and ':' in custom ids, hence the prefix.
 */
export function trialJobId(trialId: number): string {
  return `trial-${trialId}`;
}

/** Deduplication id of a study's refill: at most one pending refill per study. */
export function refillDedupId(studyId: number): string {
  return `refill-${studyId}`;
}

function positiveInt(data: Record<string, unknown>, field: string): number {
  const v = data[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new InvalidJobDataError(
      `job data field '${field}' must be an integer >= 0, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

export function parseTrialJobData(data: unknown): TrialJobData {
  if (!data || typeof data !== 'object') throw new InvalidJobDataError('trial job data must be an object');
  const d = data as Record<string, unknown>;
  return {
    studyId: positiveInt(d, 'studyId'),
    trialId: positiveInt(d, 'trialId'),
    trialNumber: positiveInt(d, 'trialNumber'),
  };
}

export function parseRefillJobData(data: unknown): RefillJobData {
  if (!data || typeof data !== 'object') throw new InvalidJobDataError('refill job data must be an object');
  const d = data as Record<string, unknown>;
  const reasons: RefillReason[] = ['start', 'resume', 'trial-finished', 'sweep'];
  if (!reasons.includes(d.reason as RefillReason)) {
    throw new InvalidJobDataError(
      `refill job reason must be one of ${reasons.join(', ')}, got ${JSON.stringify(d.reason)}`,
    );
  }
  return { studyId: positiveInt(d, 'studyId'), reason: d.reason as RefillReason };
}
