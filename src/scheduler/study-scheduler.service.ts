import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import {
  createPruner,
  createSampler,
  loadStudy,
  ATTEMPT_ATTR,
  Storage,
  StudyNotFoundError,
  type FrozenTrial,
  type PlanningTrial,
  type Study,
} from '@tuneforge/core';
import {
  completeStudy,
  type PlatformStudyState,
  readStudyDefinition,
  readStudyState,
  budgetTimedOut,
  studyPriorityOf,
  STARTED_AT_ATTR,
  STATE_ATTR,
  type StudyDefinition,
  type TrialJobData,
  trialJobId,
  TRIALS_QUEUE,
  type RedisClient,
  WorkerPoolRegistry,
} from '@tuneforge/platform';
import type { Queue } from 'bullmq';
import { PlatformConfig } from '../config/platform-config';
import { InjectRedis } from '../providers/redis.provider';
import { TrialQueues } from '../providers/trial-queues';
import { RefillQueue } from '../providers/refill-queue';
import { keptForPlanning } from '../providers/running-study';
import { PlatformTelemetry } from '../telemetry/platform-telemetry';
import { LeaseReconciler } from './lease-reconciler';
import { StudyLock } from '../providers/study-lock';
import { ObjectiveRegistry } from '@tuneforge/sandbox';
import { generationSize, planFor, queuesTrials } from './study-runtime';
import { jobWindowSize, trialJobPriority } from './fair-share';

interface Scheduled {
  study: Study;
  definition: StudyDefinition;
  plan: ((trial: PlanningTrial) => void) | undefined;
  /** The trials of the job window this process added jobs for (`jobKey`), not added again by a refill. */
  enqueued: Set<string>;
  /**
   * The study's STARTED_AT_ATTR when `enqueued` was last cleared. A resume moves it: the jobs that workers
   * ended without running while the study was stopped are then added again (a live job's id is ignored).
   */
  startedAt?: unknown;
}

/**
 * Rounds of one refill: the second takes the trials that ended during the first. Trials that end later
 * asked for a refill that waits behind the other studies' (the refill queue keeps the last request of a
 * study whose refill runs), so that a study whose trials end fast does not keep the scheduler to itself.
 */
const MAX_REFILL_ROUNDS = 2;

/**
 * Trials of the first batch of a refill of a study with nothing in flight; each next batch is twice the last
 * (see refillStep).
 */
const FIRST_BATCH = 64;

/**
 * A trial's job as this process added it: a requeued trial (lapsed lease, handed back) has run once more,
 * so it gets a new job; a job lost from Redis is found by the sweep (reconcileWaiting).
 */
const jobKey = (t: FrozenTrial) => `${t.trialId}:${Number(t.systemAttrs[ATTEMPT_ATTR] ?? 0)}`;

/** What one refill did, for logs and tests. */
export interface RefillOutcome {
  created: number;
  /** WAITING trials (enqueued through the API, or requeued) given a job, or whose job was still there. */
  requeued: number;
  state: PlatformStudyState | 'GONE' | 'BUSY';
}

/**
 * The sampler service: keeps each running study topped up to its parallelism with new trials (relative
 * parameters sampled here, the rest by the workers), enqueues one job per trial — never more than
 * maxParallel of a study queued or running, each job's priority from the study's priority and its turn
 * (fair-share.ts) — and ends the study at its budget, timeout or stop request.
 */
@Injectable()
export class StudyScheduler implements OnModuleInit {
  private readonly logger = new Logger('scheduler');
  private readonly studies = new Map<number, Scheduled>();
  private readonly lock: StudyLock;
  private readonly telemetry: PlatformTelemetry;
  private readonly leases: LeaseReconciler;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly sweeps = new Set<Promise<void>>();
  /**
   * The refill or the reconciliation of its WAITING trials of each study under way in this process (the
   * last one asked for): they run one after the other.
   */
  private readonly inProgress = new Map<number, Promise<unknown>>();
  /** Studies whose WAITING trials a sweep is reconciling (or waits to). */
  private readonly reconcilingWaiting = new Set<number>();
  /** Per study, the WAITING trials of its window that the last sweep found without a job. */
  private readonly jobless = new Map<number, Set<number>>();
  /** The queue of each worker pool: a study's trials go to the one of its `resources` (worker-pools.ts). */
  private readonly queues: TrialQueues;

  constructor(
    private readonly storage: Storage,
    private readonly config: PlatformConfig,
    private readonly refills: RefillQueue,
    @InjectQueue(TRIALS_QUEUE) private readonly trials: Queue<TrialJobData>,
    private readonly registry: ObjectiveRegistry,
    @InjectRedis() redis: RedisClient,
    @Optional() queues?: TrialQueues,
  ) {
    this.queues = queues ?? new TrialQueues(trials, new WorkerPoolRegistry(redis, config.queuePrefix));
    this.lock = new StudyLock(redis, config.queuePrefix);
    this.telemetry = new PlatformTelemetry(redis, config.queuePrefix, 'scheduler');
    this.leases = new LeaseReconciler(storage, config.leaseSeconds * 1000, config.maxRetries, this.telemetry);
  }

  onModuleInit(): void {
    // The safety net for refills dropped by deduplication while one was running, and for timeouts.
    this.sweepTimer = setInterval(() => {
      const sweep = this.sweep().finally(() => this.sweeps.delete(sweep));
      this.sweeps.add(sweep);
    }, this.config.sweepSeconds * 1000);
    this.sweepTimer.unref();
  }

  /** No sweep starts any more; resolves when those under way have ended (the scheduler's stop). */
  async stopSweeps(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await Promise.all([...this.sweeps]);
  }

  /**
   * Reconciles the leases of every platform study's running trials, then requests a refill for every
   * RUNNING study (which enqueues a job for each WAITING trial: one whose job was lost, failed or
   * never added gets one here).
   */
  async sweep(): Promise<void> {
    let studies;
    try {
      studies = await this.storage.listStudies();
      this.leases.databaseReached(true);
    } catch (e) {
      this.leases.databaseReached(false);
      this.logger.warn({ msg: `sweep failed: ${(e as Error).message}`, event: 'sweep-failed' });
      return;
    }
    const failed = (studyId: number) => (e: unknown) => {
      this.logger.warn({
        msg: `sweep of study ${studyId} failed: ${(e as Error).message}`,
        event: 'sweep-failed',
      });
    };
    // After every study's leases: each waits for its study's refill under way, if any.
    const withWaiting: Array<{ studyId: number; definition: StudyDefinition }> = [];
    for (const s of studies) {
      const state = s.systemAttrs[STATE_ATTR];
      if (state !== 'RUNNING' && state !== 'STOPPED') continue;
      try {
        await this.leases.reconcile(s);
        if (state === 'RUNNING') {
          const definition = readStudyDefinition(s.studyName, s.systemAttrs);
          if (s.trialCounts.WAITING > 0 && definition && queuesTrials(definition)) {
            withWaiting.push({ studyId: s.studyId, definition });
          }
          await this.refills.request(s.studyId, 'sweep');
        }
      } catch (e) {
        failed(s.studyId)(e);
      }
    }
    // "Two sweeps in a row": a study this sweep has no WAITING trial of (or that is gone) starts afresh.
    const reconciled = new Set(withWaiting.map((w) => w.studyId));
    for (const studyId of this.jobless.keys()) if (!reconciled.has(studyId)) this.jobless.delete(studyId);
    for (const { studyId, definition } of withWaiting) {
      await this.reconcileWaiting(studyId, definition).catch(failed(studyId));
    }
  }

  /**
   * Gives every WAITING trial of the study's job window (as stored, not as this process's cache has it) a
   * live job: one whose job is gone (Redis lost it) or finished without running it (its worker found the
   * trial taken, or lost its lease) gets a new one. The trials past the window have no job by design.
   *
   * In turn with this process's refills of the study, so that none is between creating its trials and
   * adding their jobs (not under the study lock: a refill that found it taken would wait 200 ms). A trial
   * whose job is gone counts only if it is still WAITING after its job was looked at: workers claim trials
   * and finish their jobs meanwhile, and a trial read WAITING whose job then completed had simply run (at
   * 2 000 trials/s the sweep took dozens of those for lost jobs, and said so in warnings).
   */
  private async reconcileWaiting(studyId: number, definition: StudyDefinition): Promise<void> {
    // One at a time per study: sweeps that meet a long refill do not queue theirs behind it.
    if (this.reconcilingWaiting.has(studyId)) return;
    this.reconcilingWaiting.add(studyId);
    try {
      await this.inTurn(studyId, () => this.reconcileWaitingInTurn(studyId, definition));
    } finally {
      this.reconcilingWaiting.delete(studyId);
    }
  }

  private async reconcileWaitingInTurn(studyId: number, definition: StudyDefinition): Promise<void> {
    const { window, running } = await this.jobWindow(studyId, definition);
    if (window.length === 0) {
      this.jobless.delete(studyId);
      return;
    }
    const queue = await this.queues.forTrialsNeeding(definition.resources);
    // Trials whose job is gone (unknown) or ended (completed, failed: states a job does not leave).
    const states = await Promise.all(window.map((t) => queue.getJobState(trialJobId(t.trialId))));
    const jobless = window
      .map((trial, i) => ({ trial, state: states[i] }))
      .filter(({ state }) => state === 'unknown' || state === 'completed' || state === 'failed')
      .map(({ trial, state }) => ({ trial, ended: state !== 'unknown' }));
    if (jobless.length === 0) {
      this.jobless.delete(studyId);
      return;
    }
    const stillWaiting = await Promise.all(
      jobless.map(({ trial }) =>
        this.storage.getTrial(trial.trialId).then(
          (now) => now.state === 'WAITING',
          () => false,
        ),
      ),
    );
    // A trial that has just entered the window (one ahead of it finished) gets its job from the refill that
    // finish asked for, which may not have run yet: only a trial found without a job by two sweeps in a row
    // has lost it.
    const suspects = jobless.filter((_, i) => stillWaiting[i]);
    const before = this.jobless.get(studyId);
    this.jobless.set(studyId, new Set(suspects.map(({ trial }) => trial.trialId)));
    const orphans = suspects.filter(({ trial }) => before?.has(trial.trialId));
    if (orphans.length === 0) return;
    // An ended job keeps its id: the new one could not be added beside it.
    for (const { trial, ended } of orphans) if (ended) await queue.remove(trialJobId(trial.trialId));
    this.logger.warn({
      msg: `study ${studyId}: ${orphans.length} WAITING trial(s) had no live job; enqueued again`,
      event: 'waiting-reconciled',
      studyId,
      trialNumbers: orphans.map(({ trial }) => trial.number),
    });
    const trials = orphans.map(({ trial }) => trial);
    await this.enqueue(definition, studyId, trials, studyPriorityOf(definition), running);
  }

  /** The WAITING trials of the study's job window (none unless it runs), and its RUNNING count. */
  private async jobWindow(
    studyId: number,
    definition: StudyDefinition,
  ): Promise<{ window: FrozenTrial[]; running: number }> {
    const none = { window: [], running: 0 };
    // Read now, not taken from the sweep's list: the refill waited for may have started trials (a window
    // from older counts would reach past maxParallel), and the study may have stopped or gone since.
    let state, counts;
    try {
      [state, counts] = await Promise.all([
        readStudyState(this.storage, studyId),
        this.storage.countTrials(studyId),
      ]);
    } catch (e) {
      if (e instanceof StudyNotFoundError) return none;
      throw e;
    }
    if (state !== 'RUNNING') return none;
    const running = counts.RUNNING;
    // Only the window is read (one page in number order), not every WAITING trial of a study that has
    // thousands enqueued.
    const size = jobWindowSize(counts.WAITING, running, definition.budget.maxParallel);
    if (size === 0) return none;
    const page = await this.storage.getTrialPage(studyId, { state: 'WAITING', order: 'number', limit: size });
    return { window: page.trials, running };
  }

  /**
   * Tops the study up; repeats while trials finished meanwhile, so that no wake-up is lost. The refill
   * consumer runs several studies at once; two refills of one study in this process run one after the
   * other (the second then sees what the first did), instead of the second finding the study lock taken.
   */
  refill(studyId: number): Promise<RefillOutcome> {
    return this.inTurn(studyId, () => this.refillLocked(studyId));
  }

  /** Runs `work` once this process's earlier refills and reconciliations of the study have ended. */
  private async inTurn<T>(studyId: number, work: () => Promise<T>): Promise<T> {
    const before = this.inProgress.get(studyId);
    const run = (before ?? Promise.resolve()).then(work, work);
    this.inProgress.set(studyId, run);
    try {
      return await run;
    } finally {
      if (this.inProgress.get(studyId) === run) this.inProgress.delete(studyId);
    }
  }

  private async refillLocked(studyId: number): Promise<RefillOutcome> {
    let outcome: RefillOutcome = { created: 0, requeued: 0, state: 'BUSY' };
    const started = performance.now();
    const held = await this.lock.withLock(studyId, async () => {
      for (let round = 0; round < MAX_REFILL_ROUNDS; round++) {
        const step = await this.refillOnce(studyId);
        outcome = {
          created: outcome.created + step.created,
          requeued: outcome.requeued + step.requeued,
          state: step.state,
        };
        if (step.created === 0 || step.state !== 'RUNNING') break;
      }
    });
    if (!held) return { created: 0, requeued: 0, state: 'BUSY' };
    await this.telemetry.refilled((performance.now() - started) / 1000, outcome.created);
    return outcome;
  }

  private async refillOnce(studyId: number): Promise<RefillOutcome> {
    try {
      return await this.refillStep(studyId);
    } catch (e) {
      // A write may have committed without its answer (the database went away): the next refill
      // starts from what is stored, not from this process's view of the study.
      this.studies.delete(studyId);
      throw e;
    }
  }

  private async refillStep(studyId: number): Promise<RefillOutcome> {
    // A refill's reads go out two at a time: its latency is time the study's freed slots stay empty.
    // The counts by state are read before the sampler's history below: a trial that ends between the two
    // reads is then still in flight for the counts and already finished for the sampler, so that the refill
    // asks for fewer trials, never more (a generation of CMA-ES or NSGA would otherwise get a member beyond
    // maxParallel).
    const countsRead = this.storage.countTrials(studyId);
    // Awaited once the study is known to run; a study that is gone answers not found below first.
    countsRead.catch(() => undefined);
    let record;
    try {
      record = await this.storage.getStudy(studyId);
    } catch (e) {
      if (!(e instanceof StudyNotFoundError)) throw e;
      this.studies.delete(studyId);
      return { created: 0, requeued: 0, state: 'GONE' };
    }
    const state = record.systemAttrs[STATE_ATTR] as PlatformStudyState | undefined;
    const definition = readStudyDefinition(record.studyName, record.systemAttrs);
    if (!state || !definition) return { created: 0, requeued: 0, state: 'GONE' };
    if (state !== 'RUNNING') return { created: 0, requeued: 0, state };

    const entry = await this.scheduled(studyId, definition);
    if (entry.startedAt !== record.systemAttrs[STARTED_AT_ATTR]) {
      entry.startedAt = record.systemAttrs[STARTED_AT_ATTR];
      entry.enqueued = new Set();
    }
    const { study, plan } = entry;
    const counts = await countsRead;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const running = counts.RUNNING;
    const inFlight = counts.WAITING + running;
    const { nTrials, maxParallel, timeoutSec } = definition.budget;
    // The sampler's history, read incrementally, beside the page of WAITING trials that get jobs: the
    // refill's own figures come from the counts and that page, so that it makes no pass over the whole
    // history (the page is read for nothing when the study completes below).
    const windowSize = queuesTrials(definition) ? jobWindowSize(counts.WAITING, running, maxParallel) : 0;
    const [queued] = await Promise.all([
      windowSize === 0
        ? Promise.resolve([])
        : this.storage
            .getTrialPage(studyId, { state: 'WAITING', order: 'number', limit: windowSize })
            .then((page) => page.trials),
      // A study that keeps only its trial count (random search) takes it from the counts above.
      study.refreshTrials(counts),
    ]);
    const priority = studyPriorityOf(definition);
    const timedOut = budgetTimedOut(record, timeoutSec);

    // A sampler that ran out of points (grid) stopped the study: it ends like a spent budget.
    const exhausted = study.stopped;
    if ((total >= nTrials || timedOut || exhausted) && inFlight === 0) {
      await completeStudy(this.storage, studyId);
      await this.telemetry.studyStateChanged(studyId, 'COMPLETED');
      this.studies.delete(studyId);
      this.logger.log(`study ${studyId} completed with ${total} trials`);
      return { created: 0, requeued: 0, state: 'COMPLETED' };
    }

    // Client-only: clients ask for its trials (src/api/ask-tell); nothing is created or enqueued here.
    if (!queuesTrials(definition)) return { created: 0, requeued: 0, state: 'RUNNING' };
    // WAITING trials enqueued through the API, requeued, or whose job was lost: a job per trial id (a
    // duplicate add is ignored), for as many as maxParallel leaves; the others wait their turn unqueued, so
    // a study with thousands enqueued does not fill the queue ahead of the other studies.
    // A trial this process has given a job is left alone: added again, the job of a trial that a worker took
    // and finished since the read above would run for nothing (the worker finds the trial taken).
    const fresh = queued.filter((t) => !entry.enqueued.has(jobKey(t)));
    await this.enqueue(definition, studyId, fresh, priority, running + queued.length - fresh.length);
    entry.enqueued = new Set(queued.map(jobKey));
    let want = timedOut || exhausted ? 0 : Math.min(maxParallel - inFlight, nTrials - total);
    const generation = generationSize(study.sampler, study.view);
    if (generation !== null) {
      // Samplers with generations: the trials in flight are members of the open generation (none of the
      // next is asked before it closes), so it gets only what it still lacks, at most maxParallel at a time.
      // Its members in flight are counted in the sampler's own history, the snapshot generationSize read
      // its finished members from: with the storage's counts, a finish the history has not seen yet was
      // missing from both figures and the generation got one member too many.
      const membersInFlight = study.view.getTrials(['RUNNING', 'WAITING']).length;
      want = Math.min(want, generation - Math.max(inFlight, membersInFlight));
    }
    if (want <= 0) return { created: 0, requeued: queued.length, state: 'RUNNING' };
    // A study with nothing in flight (new, resumed) has its trials sent in growing batches, so that the
    // workers start on the first while the next are planned: a new study of maxParallel 256 waited ~45 ms
    // for its first trial when all of them were created and enqueued at once, ~25 ms in batches. Otherwise
    // the workers are busy with the study's trials in flight, and one batch costs less. A generation is
    // asked for at once (its sampler plans it as one).
    let created = 0;
    const first = inFlight === 0 && generation === null ? FIRST_BATCH : want;
    for (let batch = first; created < want; batch *= 2) {
      const trials = await study.createPendingTrials(Math.min(batch, want - created), plan, {
        refreshed: true,
      });
      if (trials.length === 0) break;
      await this.enqueue(definition, studyId, trials, priority, running + queued.length + created);
      for (const t of trials) entry.enqueued.add(jobKey(t));
      created += trials.length;
    }
    return { created, requeued: queued.length, state: 'RUNNING' };
  }

  /**
   * One job per trial, in order; the i-th's slot (its turn among the study's trials in flight) is
   * `firstSlot + i`. The jobs go to the queue of the study's worker pool (the default queue when its trials
   * need no resource).
   */
  private async enqueue(
    definition: StudyDefinition,
    studyId: number,
    trials: ReadonlyArray<{ trialId: number; number: number }>,
    studyPriority: number,
    firstSlot: number,
  ): Promise<void> {
    if (trials.length === 0) return;
    const queue = await this.queues.forTrialsNeeding(definition.resources);
    await queue.addBulk(
      trials.map((t, i) => ({
        name: 'trial',
        data: { studyId, trialId: t.trialId, trialNumber: t.number },
        // A failed job is removed at once: kept, its id would block the job that a later refill adds
        // for the trial (the trial's lease, not the job, says whether it runs).
        opts: {
          jobId: trialJobId(t.trialId),
          priority: trialJobPriority(studyPriority, firstSlot + i),
          removeOnComplete: true,
          removeOnFail: true,
          attempts: 1,
        },
      })),
    );
  }

  private async scheduled(studyId: number, definition: StudyDefinition): Promise<Scheduled> {
    let entry = this.studies.get(studyId);
    if (!entry) {
      // The same sampler as the workers' and the library's (createSampler): its defaults plan
      // around the trials in flight (DESIGN.md), nothing is added here.
      const sampler = createSampler(definition.sampler);
      const study = await loadStudy({
        studyName: definition.name,
        storage: this.storage,
        sampler,
        pruner: createPruner({ type: 'none' }),
        // Random search plans from the trial count alone: the scheduler then neither reads a long study's
        // history when it meets it nor keeps it.
        keep: keptForPlanning(sampler),
      });
      entry = { study, definition, plan: planFor(definition, this.registry), enqueued: new Set() };
      this.studies.set(studyId, entry);
    }
    return entry;
  }
}
