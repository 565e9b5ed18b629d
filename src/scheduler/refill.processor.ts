import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { InvalidJobDataError, parseRefillJobData, REFILL_QUEUE } from '@tuneforge/platform';
import { UnrecoverableError, type Job } from 'bullmq';
import { ConnectionErrorLog } from '../providers/connection-error-log';
import { RefillQueue } from '../providers/refill-queue';
import { StudyScheduler, type RefillOutcome } from './study-scheduler.service';

/** Refills of different studies one scheduler process runs at once. */
export const REFILL_CONCURRENCY = 8;

/**
 * Consumes refill requests, of up to REFILL_CONCURRENCY studies at once: a refill mostly waits for
 * Postgres and Redis, and with a hundred studies running, one at a time left the workers idle waiting for
 * new trials (bench:load); sampling itself is CPU work on this one event loop, so it is not faster in
 * parallel, and one study's refills still run one after the other (StudyScheduler.refill). A
 * refill job held by a scheduler that died is stalled after `lockDuration` and taken over by another
 * (or by the same after its restart) within `lockDuration + stalledInterval`: seconds, where BullMQ's
 * defaults (30 s each) froze the study for a minute. Its lock is renewed every lockDuration / 2, so a
 * single sampling step must not block the event loop that long.
 */
@Processor(REFILL_QUEUE, {
  concurrency: REFILL_CONCURRENCY,
  lockDuration: 5_000,
  stalledInterval: 2_000,
  maxStalledCount: 1_000,
})
export class RefillProcessor extends WorkerHost {
  private readonly logger = new Logger('scheduler');
  private readonly connectionErrors = new ConnectionErrorLog('refill queue (scheduler)');

  constructor(
    private readonly scheduler: StudyScheduler,
    private readonly refills: RefillQueue,
  ) {
    super();
  }

  /** Finishes the refill under way, takes no other, and closes the consumer; idempotent. */
  close(): Promise<void> {
    return this.worker.close();
  }

  async process(job: Job): Promise<RefillOutcome> {
    let data;
    try {
      data = parseRefillJobData(job.data);
    } catch (e) {
      if (e instanceof InvalidJobDataError) throw new UnrecoverableError(e.message);
      throw e;
    }
    const outcome = await this.scheduler.refill(data.studyId);
    // Another scheduler holds the study (a lock outlived its refill job): try again shortly.
    if (outcome.state === 'BUSY') await this.refills.requestLater(data.studyId, 200);
    if (outcome.created > 0)
      this.logger.debug(`study ${data.studyId}: +${outcome.created} trials (${data.reason})`);
    return outcome;
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.connectionErrors.report(error);
  }
}
