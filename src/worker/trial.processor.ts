import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InvalidJobDataError, parseTrialJobData, TRIALS_QUEUE } from '@tuneforge/queue';
import { UnrecoverableError, type Job } from 'bullmq';
import { PlatformConfig } from '../config/platform-config';
import { TrialRunner, type TrialRunOutcome } from './trial-runner';

/**
 * Consumes trial jobs. Objectives that are not ours run in child processes (the sandbox), so this
 * event loop stays free to renew job locks; a job whose worker died is declared stalled after
 * `stalledInterval` and handed to another worker, whose TrialRunner re-runs or fails the trial.
 */
@Processor(TRIALS_QUEUE, {
  // How fast a dead worker's trial is picked up again: its lock lapses after lockDuration.
  lockDuration: 10_000,
  stalledInterval: 5_000,
  // Retries are counted on the trial (TUNEFORGE_MAX_RETRIES), not by BullMQ, so a trial is never
  // left RUNNING by a job that BullMQ gave up on.
  maxStalledCount: 1_000,
})
export class TrialProcessor extends WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('worker');

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

  /**
   * First step of a graceful stop (SIGTERM): take no new job and let the running trials finish, while
   * Redis, the queues and the database are still open; they close after this.
   */
  async onModuleDestroy(): Promise<void> {
    await this.worker.close();
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
}
