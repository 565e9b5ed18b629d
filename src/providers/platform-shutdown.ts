import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Storage } from '@tuneforge/core';
import { REFILL_QUEUE, TRIALS_QUEUE, type RedisClient } from '@tuneforge/platform';
import type { Queue } from 'bullmq';
import type { Cluster } from 'ioredis';
import { DataSource } from 'typeorm';
import { InjectRedis, QUEUE_CLUSTER } from './redis.provider';

/**
 * The steps of a stop, in the order they run, for every role (docs/PLATFORM.md, "Shutdown"):
 *
 * 1. `stop-intake` — take no new work: the worker's trial consumer and the scheduler's refill consumer
 *    fetch no job, the scheduler's sweep ends, the api ends its event streams.
 * 2. `hand-back` — the worker aborts its running trials (the sandbox stops their processes) and hands
 *    each back: WAITING to run again, or FAIL once the study's `retry.maxRetries` is spent.
 * 3. `flush` — what is still on its way out: the worker's refill requests, the last refill of the
 *    scheduler. Then the api's HTTP server closes (Nest, after its in-flight requests).
 * 4. `close-queues` — the BullMQ workers and queues.
 * 5. `close-redis` — the platform's own Redis connections.
 * 6. `close-storage` — the storage (its asynchronous-commit pool), then the DataSource.
 */
export const SHUTDOWN_STEPS = [
  'stop-intake',
  'hand-back',
  'flush',
  'close-queues',
  'close-redis',
  'close-storage',
] as const;
export type ShutdownStep = (typeof SHUTDOWN_STEPS)[number];

/** Steps 1–3 run before Nest closes the api's HTTP server, the others after it. */
const BEFORE_HTTP_CLOSES: readonly ShutdownStep[] = ['stop-intake', 'hand-back', 'flush'];

interface Task {
  name: string;
  run: () => Promise<unknown> | unknown;
}

/**
 * The one place that orders a process's stop (SIGTERM, SIGINT, `app.close()`): the role's classes add
 * their tasks to a step with {@link add}, and nothing else in the platform has a Nest shutdown hook. The
 * tasks of a step run together; a step starts once every task of the one before has ended. A failing
 * task is logged and the stop goes on, so every connection is closed; a second stop waits for the first.
 */
@Injectable()
export class PlatformShutdown implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('shutdown');
  private readonly tasks = new Map<ShutdownStep, Task[]>(SHUTDOWN_STEPS.map((s) => [s, []]));
  private readonly done = new Map<ShutdownStep, Promise<void>>();
  private readonly ran: string[] = [];

  constructor(
    storage: Storage,
    dataSource: DataSource,
    @InjectRedis() redis: RedisClient,
    @InjectQueue(TRIALS_QUEUE) trials: Queue,
    @InjectQueue(REFILL_QUEUE) refill: Queue,
    @Inject(QUEUE_CLUSTER) queueCluster: Cluster | null,
  ) {
    this.add('close-queues', 'trials queue', () => trials.close());
    this.add('close-queues', 'refill queue', () => refill.close());
    this.add('close-redis', 'redis', async () => {
      if (redis.status !== 'end') await redis.quit().catch(() => redis.disconnect());
    });
    if (queueCluster)
      this.add('close-redis', 'queue redis', async () => {
        if (queueCluster.status !== 'end') await queueCluster.quit().catch(() => queueCluster.disconnect());
      });
    this.add('close-storage', 'storage', async () => {
      await storage.close();
      // Nest's TypeORM module would destroy it after every hook; here it is the last step.
      if (dataSource.isInitialized) await dataSource.destroy();
    });
  }

  /** Runs `run` at `step` of the stop. */
  add(step: ShutdownStep, name: string, run: Task['run']): void {
    this.tasks.get(step)!.push({ name, run });
  }

  /** `step/name` of every task that ended, in order (for logs and tests). */
  get completed(): readonly string[] {
    return this.ran;
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const step of BEFORE_HTTP_CLOSES) await this.runStep(step);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const step of SHUTDOWN_STEPS) await this.runStep(step);
  }

  private runStep(step: ShutdownStep): Promise<void> {
    let done = this.done.get(step);
    if (!done) {
      done = Promise.all(
        this.tasks.get(step)!.map(async (task) => {
          try {
            await task.run();
          } catch (e) {
            this.logger.warn({
              msg: `shutdown step ${step} (${task.name}) failed: ${(e as Error).message}`,
              event: 'shutdown-step-failed',
            });
          }
          this.ran.push(`${step}/${task.name}`);
        }),
      ).then(() => undefined);
      this.done.set(step, done);
    }
    return done;
  }
}
