import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  meetsRequirement,
  needsResources,
  TRIALS_QUEUE,
  trialsAtOnce,
  WorkerPoolRegistry,
  type RedisClient,
  type Resources,
  type TrialJobData,
} from '@tuneforge/platform';
import { Worker, type Job } from 'bullmq';
import { PlatformConfig } from '../config/platform-config';
import { InjectRedis } from '../providers/redis.provider';
import { TrialQueues } from '../providers/trial-queues';
import { ResourceSemaphore } from './resource-semaphore';
import { TRIAL_CONSUMER_OPTIONS, TrialProcessor } from './trial.processor';

/** How often a worker says it is alive and looks for new pools. */
export const HEARTBEAT_MS = 2_000;
/** A worker that missed this many heartbeats in a row counts as gone (its trials' pool has no live worker). */
const MISSED_HEARTBEATS = 3;

/**
 * The worker's part in the pools: every HEARTBEAT_MS it announces what it offers (a key with a TTL, read by
 * GET /pools and by GET /studies/:id for a waiting reason), and consumes every pool queue whose requirement it
 * meets, as many trials at once as its resources allow (`trialsAtOnce`). The default queue is the
 * TrialProcessor's own; all of them run through `TrialProcessor.process`, under the worker's ResourceSemaphore.
 */
@Injectable()
export class PoolConsumers implements OnApplicationBootstrap {
  private readonly logger = new Logger('worker');
  private readonly registry: WorkerPoolRegistry;
  private readonly consumers = new Map<string, Worker<TrialJobData>>();
  private timer: NodeJS.Timeout | null = null;
  private beat: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly config: PlatformConfig,
    @InjectRedis() redis: RedisClient,
    private readonly queues: TrialQueues,
    private readonly processor: TrialProcessor,
    private readonly capacity: ResourceSemaphore,
  ) {
    this.registry = new WorkerPoolRegistry(redis, config.queuePrefix);
  }

  onApplicationBootstrap(): void {
    this.heartbeat();
    this.timer = setInterval(() => this.heartbeat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** The queues consumed now: the default one, then the pools'. */
  get queueNames(): string[] {
    return [TRIALS_QUEUE, ...[...this.consumers.keys()].sort()];
  }

  /** No heartbeat, no new job from the pools; the worker leaves the registry (the worker's stop). */
  async stopTaking(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beat;
    await Promise.all([...this.consumers.values()].map((w) => w.pause(true)));
    await this.registry.withdraw(this.config.workerId);
  }

  /** Closes the pool consumers; idempotent. */
  async close(): Promise<void> {
    const workers = [...this.consumers.values()];
    this.consumers.clear();
    await Promise.allSettled(workers.map((w) => w.close()));
  }

  private heartbeat(): void {
    if (this.beat || this.stopped) return;
    this.beat = this.beatOnce()
      .catch((e: unknown) =>
        this.logger.warn({
          msg: `pool heartbeat failed: ${(e as Error).message}`,
          event: 'pool-heartbeat-failed',
        }),
      )
      .finally(() => {
        this.beat = null;
      });
  }

  private async beatOnce(): Promise<void> {
    const offer = this.config.workerResources;
    // A worker that offers nothing serves only the default queue: no pool to look for.
    if (needsResources(offer)) {
      for (const { queue, requirement } of await this.registry.poolQueues()) {
        if (!this.stopped && !this.consumers.has(queue) && meetsRequirement(offer, requirement)) {
          this.consume(queue, requirement);
        }
      }
    }
    if (this.stopped) return;
    await this.registry.announce(
      {
        workerId: this.config.workerId,
        resources: offer,
        concurrency: this.config.workerConcurrency,
        running: this.capacity.held,
        queues: this.queueNames,
        announcedAt: Date.now(),
      },
      HEARTBEAT_MS * MISSED_HEARTBEATS,
    );
  }

  private consume(queue: string, need: Resources): void {
    const { connection, prefix } = this.queues.defaultQueue.opts;
    const worker = new Worker<TrialJobData>(queue, (job: Job) => this.processor.process(job), {
      ...TRIAL_CONSUMER_OPTIONS,
      connection,
      prefix,
      // What the worker's resources allow for this pool alone; the semaphore shares them between pools.
      concurrency: trialsAtOnce(this.config.workerResources, need, this.config.workerConcurrency),
    });
    worker.on('failed', (job, error) => this.processor.onFailed(job, error));
    worker.on('error', (error) => this.processor.onError(error));
    this.consumers.set(queue, worker);
    this.logger.log({ msg: `consuming pool queue ${queue}`, event: 'pool-consumed', queue });
  }
}
