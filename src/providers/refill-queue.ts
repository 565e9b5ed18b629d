import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { REFILL_QUEUE, refillDedupId, type RefillJobData, type RefillReason } from '@tuneforge/queue';
import type { Queue } from 'bullmq';

/** Asks the scheduler to top a study up with new trials (port: the API and the workers call it). */
export abstract class RefillQueue {
  abstract request(studyId: number, reason: RefillReason): Promise<void>;
}

/**
 * One pending refill per study: BullMQ deduplication drops a request while one is waiting. The
 * scheduler re-checks after each refill and sweeps running studies, so a request dropped while a
 * refill was already running is not lost.
 */
@Injectable()
export class BullRefillQueue extends RefillQueue {
  constructor(@InjectQueue(REFILL_QUEUE) private readonly queue: Queue<RefillJobData>) {
    super();
  }

  async request(studyId: number, reason: RefillReason): Promise<void> {
    await this.queue.add(
      'refill',
      { studyId, reason },
      { deduplication: { id: refillDedupId(studyId) }, removeOnComplete: true, removeOnFail: 100 },
    );
  }
}
