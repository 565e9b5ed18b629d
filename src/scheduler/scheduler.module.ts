import { Module } from '@nestjs/common';
import { RefillProcessor } from './refill.processor';
import { StudyScheduler } from './study-scheduler.service';

/** The sampler service role: consumes refill requests. */
@Module({ providers: [StudyScheduler, RefillProcessor] })
export class SchedulerModule {}
