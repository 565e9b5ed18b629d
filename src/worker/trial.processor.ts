import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InvalidJobDataError, parseTrialJobData, TRIALS_QUEUE } from '@tuneforge/platform';
import { UnrecoverableError, type Job } from 'bullmq';
import { PlatformConfig } from '../config/platform-config';
import { ConnectionErrorLog } from '../providers/connection-error-log';
import { TrialRunner, type TrialRunOutcome } from './trial-runner';

/**
 * Consumes trial jobs. Objectives that are not ours run in child processes (the sandbox), so this
 * event loop stays free to renew job locks and trial leases. A job is only the trigger of a trial's
 * run: whatever becomes of it (stalled, failed, lost with Redis), the trial's lease in Postgres
 * decides, and the scheduler sends a trial whose lease lapsed back to WAITING with a new job.
 */
@Processor(TRIALS_QUEUE, {
  // A dead worker's job goes back to the queue within lockDuration + stalledInterval. A job handed out
  // again while its first worker still runs the trial (a blocked event loop) is harmless: the claim
  // is conditional, and that worker's lease keeps the trial.
  lockDuration: 5_000,
  stalledInterval: 2_000,
  // Runs are counted on the trial (its attempt and the study's retry policy), not by BullMQ.
  maxStalledCount: 1_000,
})
export class TrialProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('worker');
  private readonly connectionErrors = new ConnectionErrorLog('trial queue (worker)');

  constructor(
    private readonly runner: TrialRunner,
    private readonly config: PlatformConfig,
  ) {
    super();
  }

  // After every module's init, so the worker that @nestjs/bullmq creates exists.
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
  }

  /** Fetches no new job; the running ones go on (the worker's stop, WorkerModule). */
  stopTaking(): Promise<void> {
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
    const outcome = await this.runner.run(data);
    this.logger.debug(`study ${data.studyId} trial ${data.trialNumber}: ${outcome}`);
    return outcome;
  }

  /** A trial job that ended in error (its trial is reconciled by its lease): say which, and why. */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
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
