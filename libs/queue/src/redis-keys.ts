/**
 * Redis key layout of the platform (besides BullMQ's own keys). Every key starts with the deployment's
 * prefix, so test runs and deployments sharing one Redis never collide, and a study's keys can be
 * removed with one SCAN on `studyKeyPattern`.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Sorted set: member = trial id, score = the value at `step` of a COMPLETE trial. Median/percentile pruning. */
  completedAtStep(studyId: number, step: number): string {
    return `${this.prefix}:study:${studyId}:complete-step:${step}`;
  }

  /** Set of trial ids of COMPLETE trials (their count gates startup trials). */
  completedTrials(studyId: number): string {
    return `${this.prefix}:study:${studyId}:complete`;
  }

  /** Sorted set: member = trial id, score = the trial's value when it reached rung `rung` (successive halving). */
  rung(studyId: number, bracket: number, rung: number): string {
    return `${this.prefix}:study:${studyId}:bracket:${bracket}:rung:${rung}`;
  }

  /** Hash step → value: the intermediate values of a running trial not yet written to Postgres. */
  pendingIntermediate(trialId: number): string {
    return `${this.prefix}:trial:${trialId}:pending`;
  }

  /** Channel on which the API hears of finished trials (dashboard live updates). */
  studyEvents(studyId: number): string {
    return `${this.prefix}:study:${studyId}:events`;
  }

  studyKeyPattern(studyId: number): string {
    return `${this.prefix}:study:${studyId}:*`;
  }
}
