/**
 * Redis key layout of the platform (besides BullMQ's own keys, `queueKeyPrefix`). Every key starts with the
 * deployment's prefix, so test runs and deployments sharing one Redis never collide, and a study's keys can be
 * removed with one SCAN on `studyKeyPattern`.
 *
 * On a Redis Cluster a command or pipeline may only touch keys of one slot: a study's keys share the hash tag
 * `{<prefix>:<study id>}` (the pruning index reads and writes several in one pipeline, and a deleted study's
 * keys go in one DEL), the metrics share `{<prefix>:metrics}` (read together), the worker pools `{<prefix>:pools}`; studies spread over
 * the nodes.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Sorted set: member = trial number, score = the value at `step` of a COMPLETE trial (median/percentile pruning). */
  completedAtStep(studyId: number, step: number): string {
    return `${this.study(studyId)}:complete-step:${step}`;
  }

  /**
   * Set: the COMPLETE trials (numbers) whose value at `step` is NaN, which a sorted set cannot score.
   * Percentile pruning counts them as having reported the step.
   */
  completedNanAtStep(studyId: number, step: number): string {
    return `${this.study(studyId)}:complete-step-nan:${step}`;
  }

  /** Sorted set: member = trial number of a COMPLETE trial, score = its last reported step (-1: none). */
  completedTrials(studyId: number): string {
    return `${this.study(studyId)}:complete`;
  }

  /** Hash: trial number → the trial's value when it reached rung `rung` (successive halving, Hyperband). */
  rung(studyId: number, rung: number): string {
    return `${this.study(studyId)}:rung:${rung}`;
  }

  /** Channel on which the API hears of finished trials (dashboard live updates). */
  studyEvents(studyId: number): string {
    return `${this.study(studyId)}:events`;
  }

  /** String with a token and a TTL: the scheduler that refills the study (StudyLock). */
  studyLock(studyId: number): string {
    return `${this.prefix}:lock:study:${studyId}`;
  }

  /** Hash of one metric's series (RedisMetrics): field = labels (and bucket), value = count or sum. */
  metric(name: string): string {
    return `${this.prefix}:{${this.prefix}:metrics}:${name}`;
  }

  /** Set: the ids of the workers that announced themselves (WorkerPoolRegistry); some may have lapsed. */
  poolWorkers(): string {
    return `${this.prefix}:{${this.prefix}:pools}:workers`;
  }

  /** String with a TTL: what a live worker offers and runs (JSON); gone when it stops renewing it. */
  poolWorker(workerId: string): string {
    return `${this.prefix}:{${this.prefix}:pools}:worker:${workerId}`;
  }

  /** Set: the queue names of the worker pools trials were ever sent to (besides the default queue). */
  poolQueues(): string {
    return `${this.prefix}:{${this.prefix}:pools}:queues`;
  }

  studyKeyPattern(studyId: number): string {
    return `${this.study(studyId)}:*`;
  }

  /** Where a study's keys start: the prefix, then the study's hash tag. */
  private study(studyId: number): string {
    return `${this.prefix}:study:{${this.prefix}:${studyId}}`;
  }
}
