import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { StudyNotFoundError, TrialNotFoundError } from '@tuneforge/core';
import {
  InvalidJobDataError,
  parseTrialJobData,
  requirementOfQueue,
  TRIALS_QUEUE,
  type Resources,
} from '@tuneforge/platform';
import { UnrecoverableError, type Job, type WorkerOptions } from 'bullmq';
import { PlatformConfig } from '../config/platform-config';
import { ConnectionErrorLog } from '../providers/connection-error-log';
import { ResourceSemaphore } from './resource-semaphore';
import { TrialRunner, type TrialRunOutcome } from './trial-runner';

/** The options of every trial consumer of a worker (the default queue's and the pools', pool-consumers.ts). */
export const TRIAL_CONSUMER_OPTIONS = {
  // A dead worker's job goes back to the queue within lockDuration + stalledInterval. A job handed out
  // again while its first worker still runs the trial (a blocked event loop) is harmless: the claim
  // is conditional, and that worker's lease keeps the trial.
  lockDuration: 5_000,
  stalledInterval: 2_000,
  // Runs are counted on the trial (its attempt and the study's retry policy), not by BullMQ.
  maxStalledCount: 1_000,
} satisfies Partial<WorkerOptions>;

/**
 * Consumes trial jobs. Objectives that are not ours run in child processes (the sandbox), so this
 * event loop stays free to renew job locks and trial leases. A job is only the trigger of a trial's
 * run: whatever becomes of it (stalled, failed, lost with Redis), the trial's lease in Postgres
 * decides, and the scheduler sends a trial whose lease lapsed back to WAITING with a new job.
 */
@Processor(TRIALS_QUEUE, TRIAL_CONSUMER_OPTIONS)
export class TrialProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('worker');
  private readonly connectionErrors = new ConnectionErrorLog('trial queue (worker)');
  /** What the trials of each queue need (its name says: worker-pools.ts). */
  private readonly needs = new Map<string, Resources>();

  constructor(
    private readonly runner: TrialRunner,
    private readonly config: PlatformConfig,
    private readonly capacity: ResourceSemaphore,
  ) {
    super();
  }

  // After every module's init, so the worker that @nestjs/bullmq creates exists.
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
  }

  /**
   * Fetches no new job; the running ones go on, those waiting for resources are not started (their trials
   * stay WAITING and get a new job from the scheduler's sweep) (the worker's stop, WorkerModule).
   */
  stopTaking(): Promise<void> {
    this.capacity.close();
    return this.worker.pause(true);
  }

  /** Closes the consumer (its connections); idempotent. */
  close(): Promise<void> {
    return this.worker.close();
  }

  async process(job: Job): Promise<TrialRunOutcome> {
    let data;
    try {
      data = parseTrialJobData(job.data);
    } catch (e) {
      if (e instanceof InvalidJobDataError) throw new UnrecoverableError(e.message);
      throw e;
    }
    // Several queues (the pools) feed this worker: each trial takes its share of the worker's slots and
    // resources first, so that together they never run more than the worker offers.
    const release = await this.capacity.acquire(this.needOf(job.queueName));
    if (!release) return 'worker-stopping';
    let outcome: TrialRunOutcome;
    try {
      outcome = await this.runner.run(data);
    } finally {
      release();
    }
    this.logger.debug(`study ${data.studyId} trial ${data.trialNumber}: ${outcome}`);
    return outcome;
  }

  private needOf(queueName: string): Resources {
    let need = this.needs.get(queueName);
    if (!need) {
      need = requirementOfQueue(queueName);
      this.needs.set(queueName, need);
    }
    return need;
  }

  /** A trial job that ended in error (its trial is reconciled by its lease): say which, and why. */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    // The study was deleted while its trial ran (DELETE /studies/:id): nothing is left to finish.
    if (error instanceof StudyNotFoundError || error instanceof TrialNotFoundError) {
      this.logger.log({
        msg: `trial job ${job?.id ?? '?'} ended: its study was deleted while it ran (${error.message})`,
        event: 'trial-job-study-deleted',
        jobId: job?.id,
        studyId: (job?.data as { studyId?: number } | undefined)?.studyId,
      });
      return;
    }
    this.logger.error({
      msg: `trial job ${job?.id ?? '?'} failed: ${error.message}`,
      event: 'trial-job-failed',
      jobId: job?.id,
      studyId: (job?.data as { studyId?: number } | undefined)?.studyId,
      trialNumber: (job?.data as { trialNumber?: number } | undefined)?.trialNumber,
      reason: error.message,
    });
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.connectionErrors.report(error);
  }
}
