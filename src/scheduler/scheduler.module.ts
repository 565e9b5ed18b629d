import { Module } from '@nestjs/common';
import { PlatformShutdown } from '../providers/platform-shutdown';
import { RefillProcessor } from './refill.processor';
import { StudyScheduler } from './study-scheduler.service';

/** The sampler service role: consumes refill requests. */
@Module({ providers: [StudyScheduler, RefillProcessor] })
export class SchedulerModule {
  /**
   * The scheduler's part of a stop (the order is PlatformShutdown's): no sweep starts and the one under
   * way ends; the refill under way finishes and the consumer closes, while the queues and Redis are
   * still open.
   */
  constructor(shutdown: PlatformShutdown, scheduler: StudyScheduler, refills: RefillProcessor) {
    shutdown.add('stop-intake', 'sweeps', () => scheduler.stopSweeps());
    shutdown.add('stop-intake', 'refill consumer', () => refills.close());
  }
}
