import { Injectable, Logger } from '@nestjs/common';
import {
  ATTEMPT_ATTR,
  isFinished,
  Storage,
  StudyNotFoundError,
  TrialAlreadyFinishedError,
  TrialNotFoundError,
  toInternal,
  TrialPruned,
  WORKER_ATTR,
  type FrozenTrial,
  type KeptTrials,
  type Trial,
  type Objective,
  type Sampler,
  type Study,
} from '@tuneforge/core';
import {
  LAST_FAILURE_ATTR,
  type PlatformStudyState,
  readStudyDefinition,
  RedisKeys,
  RedisPruningIndex,
  readStudyState,
  type RetryPolicy,
  retryPolicyOf,
  type StudyDefinition,
  type TrialJobData,
  type RedisClient,
  usesPruningIndex,
} from '@tuneforge/platform';
import { RunDiscarded } from '@tuneforge/sandbox';
import { withTransientRetries } from '@tuneforge/storage';
import { PlatformConfig } from '../config/platform-config';
import { InjectRedis } from '../providers/redis.provider';
import { RefillQueue } from '../providers/refill-queue';
import { loadRunningStudy } from '../providers/running-study';
import { PlatformTelemetry } from '../telemetry/platform-telemetry';
import { LeaseKeeper, WorkerStopping } from './lease-keeper';
import { ObjectiveFactory } from './objective-factory';

/** Window in which a worker's refill requests for one study are merged into one. */
const REFILL_COALESCE_MS = 5;

/**
 * How long a worker trusts what it read of a study's state before it takes another of its trials: a stop
 * keeps the study's queued trials from starting, but one a worker takes within this long may still start
 * (2 workers × 16, 0.3 s trials, ~220 queued: 48 started after the stop at 1 s, 5 at 250 ms).
 */
const STATE_FRESH_MS = 250;

/** How a job ended, for logs and tests. */
export type TrialRunOutcome =
  | 'COMPLETE'
  | 'PRUNED'
  | 'FAIL'
  | 'retry'
  | 'handed-back'
  | 'worker-stopping'
  | 'lease-lost'
  | 'study-gone'
  | 'study-not-running'
  | 'trial-gone'
  | 'already-finished'
  | 'claimed-elsewhere';

interface WorkerStudy {
  study: Study;
  definition: StudyDefinition;
  retry: RetryPolicy;
}

/**
 * Runs one trial of a job: claims it (exactly one run per trial comes from the conditional
 * WAITING → RUNNING change, which starts the trial's lease), runs the objective with the study's
 * sampler for define-by-run parameters and its pruner on the Redis index while the lease is renewed,
 * and commits the result. Database errors on the way are waited out (withTransientRetries), so a
 * finished objective's result is committed when the database is back; a run whose lease was lost is
 * stopped and left to the scheduler, which runs the trial again or fails it (the study's retry policy).
 * When the worker stops, its runs are aborted and their trials handed back at once (`handBackAll`).
 */
@Injectable()
export class TrialRunner {
  private readonly logger = new Logger('worker');
  private readonly studies = new Map<number, Promise<WorkerStudy | null>>();
  /** Each study's platform state as last read, and until when it is trusted (STATE_FRESH_MS). */
  private readonly states = new Map<
    number,
    { state: Promise<PlatformStudyState | undefined>; until: number }
  >();
  private readonly pendingRefills = new Set<number>();
  private readonly refillsInFlight = new Set<Promise<void>>();
  private readonly runs = new Set<Promise<TrialRunOutcome>>();
  private stopping = false;
  private readonly index: RedisPruningIndex;
  private readonly telemetry: PlatformTelemetry;
  private readonly storage: Storage;
  private readonly leases: LeaseKeeper;

  constructor(
    storage: Storage,
    private readonly config: PlatformConfig,
    private readonly refills: RefillQueue,
    private readonly objectives: ObjectiveFactory,
    @InjectRedis() redis: RedisClient,
  ) {
    this.storage = withTransientRetries(storage, {
      onRetry: (method, attempt, error) => {
        // The first failure and then every tenth: an outage logs a few lines, not one per call.
        if (attempt === 1 || attempt % 10 === 0) {
          this.logger.warn({
            msg: `database call failed, will retry (${method}, try ${attempt}): ${error.message}`,
            event: 'database-retry',
          });
        }
        void this.telemetry.transientRetry('database');
      },
    });
    this.index = new RedisPruningIndex(redis, new RedisKeys(config.queuePrefix));
    this.telemetry = new PlatformTelemetry(redis, config.queuePrefix, 'worker');
    const leaseMs = config.leaseSeconds * 1000;
    // Renewals see the database as it is (no retries): a worker cut off from it stops its runs at
    // 70 % of the lease, before the scheduler may expire them at 100 %.
    this.leases = new LeaseKeeper(storage, config.workerId, leaseMs / 5, leaseMs * 0.7, (trialId, why) =>
      this.logger.warn({ msg: `trial id ${trialId}: run stopped (${why})`, event: why, trialId }),
    );
  }

  /**
   * The worker's stop (PlatformShutdown, step hand-back): aborts every running objective (the sandbox
   * stops its processes: SIGTERM, SIGKILL after its grace period) and hands each trial back as the
   * scheduler would once its lease lapsed, without the wait: WAITING to run again, or FAIL once the
   * study's `retry.maxRetries` is spent. A run that finished anyway keeps its result. A job that comes
   * after this runs nothing (the scheduler's sweep gives its trial a new job). Resolves when every run
   * has ended; the leases are renewed until then, so no trial runs twice at once.
   */
  async handBackAll(): Promise<void> {
    this.stopping = true;
    this.leases.abortAll(new WorkerStopping());
    while (this.runs.size > 0) await Promise.allSettled([...this.runs]);
    this.leases.stop();
  }

  /** The refill requests still on their way (PlatformShutdown, step flush). */
  async flushRefills(): Promise<void> {
    while (this.refillsInFlight.size > 0) await Promise.allSettled([...this.refillsInFlight]);
  }

  run(job: TrialJobData): Promise<TrialRunOutcome> {
    if (this.stopping) return Promise.resolve('worker-stopping');
    const run = this.runJob(job);
    this.runs.add(run);
    const forget = () => this.runs.delete(run);
    run.then(forget, forget);
    return run;
  }

  private async runJob(job: TrialJobData): Promise<TrialRunOutcome> {
    const entry = await this.studyFor(job.studyId);
    if (!entry) return 'study-gone';
    // A STOPPED study's queued jobs end here, their trials left WAITING: the scheduler gives them jobs
    // again when the study resumes.
    const state = await this.stateOf(job.studyId);
    if (state !== undefined && state !== 'RUNNING') return 'study-not-running';
    const faultsBefore = this.storage.connectionFaults();
    const claimed = await this.claim(job);
    if (typeof claimed === 'string') return claimed;
    const signal = this.leases.hold(claimed.trialId);
    let outcome: TrialRunOutcome;
    try {
      outcome = await this.execute(entry, claimed, signal, faultsBefore);
    } finally {
      this.leases.release(claimed.trialId);
    }
    this.requestRefill(job.studyId);
    return outcome;
  }

  /** The trial, RUNNING under this worker's lease; or why there is nothing to run. */
  private async claim(job: TrialJobData): Promise<FrozenTrial | TrialRunOutcome> {
    try {
      return await this.storage.claimTrial(job.trialId, this.config.workerId, Date.now());
    } catch (e) {
      if (e instanceof TrialNotFoundError) return 'trial-gone';
      if (!(e instanceof TrialAlreadyFinishedError)) throw e;
    }
    const trial = await this.storage.getTrial(job.trialId).catch((e: unknown) => {
      if (e instanceof TrialNotFoundError) return null;
      throw e;
    });
    if (trial === null) return 'trial-gone';
    if (isFinished(trial.state)) return 'already-finished';
    // Our own claim whose answer the database lost (it was retried), or a job of ours that BullMQ
    // handed back to this worker after a restart with the same id: no run of ours holds it.
    if (
      trial.state === 'RUNNING' &&
      trial.systemAttrs[WORKER_ATTR] === this.config.workerId &&
      !this.leases.holds(trial.trialId)
    ) {
      return trial;
    }
    // Another worker's lease (if that worker died, the scheduler requeues the trial when it lapses).
    return 'claimed-elsewhere';
  }

  private async execute(
    entry: WorkerStudy,
    trial: FrozenTrial,
    signal: AbortSignal,
    faultsBefore: number,
  ): Promise<TrialRunOutcome> {
    const { study, definition } = entry;
    // Module objectives meet parameters the scheduler could not plan: the model-based samplers draw
    // them from the history, so read what changed. Other objectives got every parameter planned.
    if (definition.objective.kind === 'module' && study.sampler.readsHistory !== false) {
      await study.refresh();
    }
    const live = study.attachTrial(trial);
    const objective: Objective = this.objectives.create(definition, study.studyName, signal);
    let result: number | readonly number[] | 'PRUNED' | { failed: string };
    try {
      result = await objective(live);
    } catch (error) {
      result =
        error instanceof TrialPruned
          ? 'PRUNED'
          : { failed: error instanceof Error ? error.message : String(error) };
    }
    // From here the commit below decides whether the lease still held: a renewal racing it is no loss.
    this.leases.settle(trial.trialId);
    // The lease was lost (the trial is the scheduler's to run again or fail), or the run was stopped
    // because it could not be renewed: nothing of this run is kept.
    const stopped = signal.aborted && signal.reason instanceof RunDiscarded ? signal.reason : null;
    if (stopped?.why === 'lease-lost' || (stopped && typeof result === 'object' && 'failed' in result)) {
      return this.abandon(study, trial, 'lease-lost');
    }
    // The worker stops and the run ended without a result: the trial goes back (a result is kept).
    if (signal.reason instanceof WorkerStopping && typeof result === 'object' && 'failed' in result) {
      return this.handBack(entry, live, trial);
    }
    if (typeof result === 'object' && 'failed' in result) {
      const attempt = Number(trial.systemAttrs[ATTEMPT_ATTR] ?? 1);
      if (attempt <= entry.retry.retryFailedTrials) return this.retry(entry, trial, result.failed, attempt);
    }
    let finished: FrozenTrial;
    try {
      // The database broke during the run: writes acknowledged before a crash may be gone (asynchronous
      // commits). Write the run's parameters, reports and attributes again before the durable finish.
      if (this.storage.connectionFaults() !== faultsBefore) await this.rewrite(live);
      finished =
        typeof result === 'object' && 'failed' in result
          ? await study.tell(live, 'FAIL', { failReason: result.failed })
          : await study.tell(live, result);
    } catch (e) {
      // The scheduler took the trial back while we could not reach the database (a partition).
      if (e instanceof TrialAlreadyFinishedError) return this.abandon(study, trial, 'lease-lost');
      throw e;
    }
    if (finished.state === 'COMPLETE' && usesPruningIndex(definition)) {
      // The trial is finished in the database; an index that missed it counts one trial fewer until Redis
      // loses it and it is rebuilt from there.
      await this.index.recordComplete(study.studyId, finished).catch((e: unknown) =>
        this.logger.warn({
          msg: `trial ${finished.number} of study ${study.studyId} not added to the pruning index: ${(e as Error).message}`,
          event: 'pruning-index-write-failed',
        }),
      );
    }
    await this.telemetry.trialFinished(study.studyId, finished);
    return finished.state as TrialRunOutcome;
  }

  /** Writes again everything the run recorded on its trial (upserts: what survived is unchanged). */
  private async rewrite(live: Trial): Promise<void> {
    await live.flush();
    const t = live.snapshot();
    for (const [name, distribution] of Object.entries(t.distributions)) {
      await this.storage.setTrialParam(
        t.trialId,
        name,
        toInternal(distribution, t.params[name]),
        distribution,
      );
    }
    for (const [step, value] of Object.entries(t.intermediateValues)) {
      await this.storage.setTrialIntermediateValue(t.trialId, Number(step), value);
    }
    for (const [key, value] of Object.entries(t.userAttrs))
      await this.storage.setTrialUserAttr(t.trialId, key, value);
    for (const [key, value] of Object.entries(t.systemAttrs)) {
      await this.storage.setTrialSystemAttr(t.trialId, key, value);
    }
  }

  /** A failed run with retries left: the trial waits for another run, with the same parameters. */
  private async retry(entry: WorkerStudy, trial: FrozenTrial, reason: string, attempt: number) {
    try {
      await this.storage.requeueTrial(trial.trialId, this.config.workerId, { [LAST_FAILURE_ATTR]: reason });
    } catch (e) {
      if (e instanceof TrialAlreadyFinishedError) return this.abandon(entry.study, trial, 'lease-lost');
      throw e;
    }
    entry.study.detachTrial(trial.number);
    await this.telemetry.trialRetried(entry.study.studyId, 'failed');
    this.logger.warn({
      msg: `trial ${trial.number} of study ${entry.study.studyId} failed (attempt ${attempt}); it runs again: ${reason}`,
      event: 'trial-retry',
      studyId: entry.study.studyId,
      trialNumber: trial.number,
      attempt,
    });
    return 'retry' as const;
  }

  /**
   * A run stopped by the worker's shutdown: the trial is handed back by the lease rule of the study's
   * retry policy (`maxRetries`, the runs of a trial whose worker was lost), as the scheduler would do
   * once the lease lapsed.
   */
  private async handBack(entry: WorkerStudy, live: Trial, trial: FrozenTrial): Promise<TrialRunOutcome> {
    const { study, retry } = entry;
    const attempt = Number(trial.systemAttrs[ATTEMPT_ATTR] ?? 1);
    const log = { studyId: study.studyId, trialNumber: trial.number, attempt };
    try {
      if (attempt <= retry.maxRetries) {
        await this.storage.requeueTrial(trial.trialId, this.config.workerId, {
          [LAST_FAILURE_ATTR]: 'its worker shut down during the run',
        });
        study.detachTrial(trial.number);
        await this.telemetry.trialRetried(study.studyId, 'worker-stopped');
        this.logger.warn({
          msg: `trial ${trial.number} of study ${study.studyId}: stopped by the worker's shutdown (attempt ${attempt}); it runs again`,
          event: 'trial-handed-back',
          ...log,
        });
        return 'handed-back';
      }
      const failReason = `its worker shut down during the run ${attempt} time(s); no retry left (retry.maxRetries = ${retry.maxRetries})`;
      const finished = await study.tell(live, 'FAIL', { failReason });
      await this.telemetry.trialFinished(study.studyId, finished);
      return 'FAIL';
    } catch (e) {
      if (e instanceof TrialAlreadyFinishedError) return this.abandon(study, trial, 'lease-lost');
      throw e;
    }
  }

  private abandon(study: Study, trial: FrozenTrial, outcome: 'lease-lost'): TrialRunOutcome {
    study.detachTrial(trial.number);
    this.logger.warn({
      msg: `trial ${trial.number} of study ${study.studyId}: its lease was lost; result dropped (the scheduler runs the trial again or fails it, unless the study was deleted)`,
      event: outcome,
      studyId: study.studyId,
      trialNumber: trial.number,
    });
    return outcome;
  }

  /** The study's platform state (undefined when it cannot be read), read at most every STATE_FRESH_MS. */
  private stateOf(studyId: number): Promise<PlatformStudyState | undefined> {
    const now = Date.now();
    let known = this.states.get(studyId);
    if (!known || known.until <= now) {
      const state = readStudyState(this.storage, studyId).catch(() => undefined);
      known = { state, until: now + STATE_FRESH_MS };
      this.states.set(studyId, known);
    }
    return known.state;
  }

  private studyFor(studyId: number): Promise<WorkerStudy | null> {
    let entry = this.studies.get(studyId);
    if (!entry) {
      entry = this.load(studyId);
      this.studies.set(studyId, entry);
      // A failed load is retried by the next job.
      entry.catch(() => this.studies.delete(studyId));
    }
    return entry;
  }

  private async load(studyId: number): Promise<WorkerStudy | null> {
    let record;
    try {
      record = await this.storage.getStudy(studyId);
    } catch (e) {
      if (e instanceof StudyNotFoundError) return null;
      throw e;
    }
    const definition = readStudyDefinition(record.studyName, record.systemAttrs);
    if (!definition) return null;
    if (usesPruningIndex(definition)) {
      await this.index.ensureStudy(studyId, () => this.storage.getAllTrials(studyId));
    }
    // The scheduler plans every parameter of command and built-in objectives, and a module's parameters
    // need no history when its sampler reads none: such runs keep only their trials, where a worker that
    // kept the history would read a whole study on its first job and grow with it.
    const keep = (sampler: Sampler): KeptTrials =>
      definition.objective.kind === 'module' && sampler.readsHistory !== false ? 'history' : 'running';
    const study = await loadRunningStudy(this.storage, record, definition, this.index, this.telemetry, keep);
    return { study, definition, retry: retryPolicyOf(definition, this.config.maxRetries) };
  }

  /**
   * Asks the scheduler to refill a study, at most once per REFILL_COALESCE_MS per study in this process:
   * trials that finish together free their slots with one request (the request after the window
   * covers all of them, so none is lost).
   */
  private requestRefill(studyId: number): void {
    if (this.pendingRefills.has(studyId)) return;
    this.pendingRefills.add(studyId);
    const sent: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, REFILL_COALESCE_MS))
      .then(() => {
        this.pendingRefills.delete(studyId);
        return this.refills.request(studyId, 'trial-finished');
      })
      .catch((e: unknown) => {
        this.logger.warn(`refill request for study ${studyId} failed: ${(e as Error).message}`);
      })
      .finally(() => this.refillsInFlight.delete(sent));
    this.refillsInFlight.add(sent);
  }

  /** Forgets a study (deleted, or its definition changed). */
  forget(studyId: number): void {
    this.studies.delete(studyId);
    this.states.delete(studyId);
  }
}
