import { Module } from '@nestjs/common';
import { PlatformShutdown } from '../providers/platform-shutdown';
import { ObjectiveFactory, SandboxObjectiveFactory } from './objective-factory';
import { TrialProcessor } from './trial.processor';
import { TrialRunner } from './trial-runner';

/** The worker role: runs trial jobs. */
@Module({
  providers: [TrialRunner, TrialProcessor, { provide: ObjectiveFactory, useClass: SandboxObjectiveFactory }],
})
export class WorkerModule {
  /**
   * The worker's part of a stop (the order is PlatformShutdown's): no new job; the running trials
   * aborted and handed back; their refill requests sent; the consumer closed with the queues.
   */
  constructor(shutdown: PlatformShutdown, processor: TrialProcessor, runner: TrialRunner) {
    shutdown.add('stop-intake', 'trial consumer', () => processor.stopTaking());
    shutdown.add('hand-back', 'running trials', () => runner.handBackAll());
    shutdown.add('flush', 'refill requests', () => runner.flushRefills());
    shutdown.add('close-queues', 'trial consumer', () => processor.close());
  }
}
