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

/** The steps whose tasks need only Postgres (and the objectives' processes), not Redis. */
const WITHOUT_REDIS: readonly ShutdownStep[] = ['hand-back', 'close-storage'];

/**
 * How long Redis must have been unreachable during a stop before the tasks that wait for it are given up:
 * BullMQ's graceful closes and a QUIT wait for a server that may never come back, and the stop would then
 * only end with SIGKILL. What they would have sent is not needed: jobs and refills are recovered from
 * Postgres by the scheduler's sweep.
 */
export const REDIS_GONE_MS = 3_000;

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
  private redisGone: Promise<void> | null = null;
  /** A task was given up because Redis was unreachable. */
  private gaveUp = false;
  private exitWhenRedisGone = false;
  private redisWatch: NodeJS.Timeout | null = null;

  constructor(
    storage: Storage,
    dataSource: DataSource,
    @InjectRedis() private readonly redis: RedisClient,
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

  /**
   * Ends the process once the steps before the HTTP server closes are done if Redis was given up on during
   * them, or is unreachable then and stays so for REDIS_GONE_MS: what is left (Nest's BullMQ hooks, which
   * close the queues gracefully, and closing the connections) would wait for Redis forever. The storage is
   * closed first. For the process's entry point (main.ts), not for an application embedded in another one.
   */
  exitProcessWhenRedisIsGone(): void {
    this.exitWhenRedisGone = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const step of BEFORE_HTTP_CLOSES) await this.runStep(step);
    if (this.exitWhenRedisGone && (this.gaveUp || (await this.redisStaysUnreachable()))) {
      await this.runStep('close-storage');
      this.logger.warn({
        msg: 'stopped without closing the queues and Redis connections: Redis is unreachable',
        event: 'shutdown-without-redis',
      });
      process.exit(0);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      for (const step of SHUTDOWN_STEPS) await this.runStep(step);
    } finally {
      if (this.redisWatch) clearInterval(this.redisWatch);
    }
  }

  /**
   * Resolves once the platform's Redis connection has been down for REDIS_GONE_MS in a row (watched from the
   * first task that needs Redis on). Every task of such a step waits for this or for its own end, whichever
   * comes first.
   */
  private redisUnreachable(): Promise<void> {
    this.redisGone ??= new Promise<void>((resolve) => {
      let downSince: number | null = null;
      this.redisWatch = setInterval(() => {
        if (this.redis.status === 'ready') downSince = null;
        else downSince ??= Date.now();
        if (downSince !== null && Date.now() - downSince >= REDIS_GONE_MS) {
          clearInterval(this.redisWatch!);
          resolve();
        }
      }, 100);
      this.redisWatch.unref();
    });
    return this.redisGone;
  }

  /** Whether Redis, not connected now, stays so for REDIS_GONE_MS; false at once when it is connected. */
  private async redisStaysUnreachable(): Promise<boolean> {
    if (this.redis.status === 'ready') return false;
    return Promise.race([
      this.redisUnreachable().then(() => true),
      new Promise<boolean>((resolve) => this.redis.once('ready', () => resolve(false))),
    ]);
  }

  private async runTask(step: ShutdownStep, task: Task): Promise<void> {
    if (WITHOUT_REDIS.includes(step)) {
      await task.run();
      return;
    }
    const run = Promise.resolve().then(task.run);
    const gaveUp = await Promise.race([run.then(() => false), this.redisUnreachable().then(() => true)]);
    if (!gaveUp) return;
    this.gaveUp = true;
    run.catch(() => undefined);
    this.logger.warn({
      msg: `shutdown step ${step} (${task.name}) given up: Redis has been unreachable for ${REDIS_GONE_MS / 1000} s`,
      event: 'shutdown-step-given-up',
    });
  }

  private runStep(step: ShutdownStep): Promise<void> {
    let done = this.done.get(step);
    if (!done) {
      done = Promise.all(
        this.tasks.get(step)!.map(async (task) => {
          try {
            await this.runTask(step, task);
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
