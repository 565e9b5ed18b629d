import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { REFILL_QUEUE, refillDedupId, type RefillJobData, type RefillReason } from '@tuneforge/platform';
import type { Queue } from 'bullmq';

/** Asks the scheduler to top a study up with new trials (port: the API and the workers call it). */
export abstract class RefillQueue {
  abstract request(studyId: number, reason: RefillReason): Promise<void>;
  /** A retry after `delayMs`, when the study was busy. */
  abstract requestLater(studyId: number, delayMs: number): Promise<void>;
}

/**
 * At most one waiting and one running refill per study (BullMQ deduplication, keeping the latest
 * request while one runs): requests coalesce under load, none is lost, and no two schedulers refill
 * one study at once.
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
      {
        deduplication: { id: refillDedupId(studyId), keepLastIfActive: true },
        removeOnComplete: true,
        removeOnFail: 100,
      },
    );
  }

  async requestLater(studyId: number, delayMs: number): Promise<void> {
    await this.queue.add(
      'refill',
      { studyId, reason: 'sweep' },
      { delay: delayMs, removeOnComplete: true, removeOnFail: 100 },
    );
  }
}
