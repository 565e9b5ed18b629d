import { Module } from '@nestjs/common';
import { ObjectiveFactory, SandboxObjectiveFactory } from './objective-factory';
import { TrialProcessor } from './trial.processor';
import { TrialRunner } from './trial-runner';

/** The worker role: runs trial jobs. */
@Module({
  providers: [TrialRunner, TrialProcessor, { provide: ObjectiveFactory, useClass: SandboxObjectiveFactory }],
})
export class WorkerModule {}
