import { Module } from '@nestjs/common';
import { PlatformConfig } from '../config/platform-config';
import { PlatformShutdown } from '../providers/platform-shutdown';
import { ObjectiveFactory, SandboxObjectiveFactory } from './objective-factory';
import { PoolConsumers } from './pool-consumers';
import { ResourceSemaphore } from './resource-semaphore';
import { TrialProcessor } from './trial.processor';
import { TrialRunner } from './trial-runner';

/** The worker role: runs trial jobs, of the default queue and of the pools whose requirement it meets. */
@Module({
  providers: [
    TrialRunner,
    TrialProcessor,
    PoolConsumers,
    { provide: ObjectiveFactory, useClass: SandboxObjectiveFactory },
    {
      // The worker's slots (TUNEFORGE_WORKER_CONCURRENCY) and resources (TUNEFORGE_WORKER_RESOURCES), shared by
      // the trials of all its queues.
      provide: ResourceSemaphore,
      inject: [PlatformConfig],
      useFactory: (config: PlatformConfig) =>
        new ResourceSemaphore(config.workerResources, config.workerConcurrency),
    },
  ],
})
export class WorkerModule {
  /**
   * The worker's part of a stop (the order is PlatformShutdown's): no new job, the worker leaves the pools'
   * registry; the running trials aborted and handed back; their refill requests sent; the consumers closed
   * with the queues.
   */
  constructor(
    shutdown: PlatformShutdown,
    processor: TrialProcessor,
    runner: TrialRunner,
    pools: PoolConsumers,
  ) {
    shutdown.add('stop-intake', 'trial consumer', () => processor.stopTaking());
    shutdown.add('stop-intake', 'pool consumers', () => pools.stopTaking());
    shutdown.add('hand-back', 'running trials', () => runner.handBackAll());
    shutdown.add('flush', 'refill requests', () => runner.flushRefills());
    shutdown.add('close-queues', 'trial consumer', () => processor.close());
    shutdown.add('close-queues', 'pool consumers', () => pools.close());
  }
}
