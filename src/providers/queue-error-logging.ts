import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { REFILL_QUEUE, TRIALS_QUEUE } from '@tuneforge/platform';
import type { Queue } from 'bullmq';
import { ConnectionErrorLog } from './connection-error-log';

/** Gives the queues' connections an error listener: outages are logged as rate-limited JSON lines. */
@Injectable()
export class QueueErrorLogging {
  constructor(@InjectQueue(TRIALS_QUEUE) trials: Queue, @InjectQueue(REFILL_QUEUE) refills: Queue) {
    trials.on('error', new ConnectionErrorLog('trial queue').report);
    refills.on('error', new ConnectionErrorLog('refill queue').report);
  }
}
