import type { RedisClient } from './redis-client';
import { RedisKeys } from './redis-keys';
import { requirementOfQueue, type Resources } from './worker-pools';

/** What a live worker says of itself (GET /pools shows it). Plain JSON. */
export interface WorkerAnnouncement {
  workerId: string;
  /** TUNEFORGE_WORKER_RESOURCES: {} for a worker that runs only trials that need nothing. */
  resources: Resources;
  /** TUNEFORGE_WORKER_CONCURRENCY. */
  concurrency: number;
  /** Trials it runs now. */
  running: number;
  /** The trial queues it consumes (`trials` and the pools whose requirement it meets). */
  queues: string[];
  /** When it said so (ms since the epoch). */
  announcedAt: number;
}

/**
 * Which workers are alive and what they offer, and which pool queues exist, in Redis under the deployment's
 * prefix. A worker renews its announcement (a key with a TTL) on a heartbeat; when it dies, the key lapses and
 * the worker drops out of `liveWorkers`. The scheduler records each pool queue it sends trials to, so that the
 * workers, Bull Board and GET /pools find them.
 */
export class WorkerPoolRegistry {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  /** Says the worker is alive for `ttlMs` more. */
  async announce(worker: WorkerAnnouncement, ttlMs: number): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.poolWorker(worker.workerId), JSON.stringify(worker), 'PX', ttlMs)
      .sadd(this.keys.poolWorkers(), worker.workerId)
      .exec();
  }

  /** The worker is gone (its stop): no trial should wait for it. */
  async withdraw(workerId: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.keys.poolWorker(workerId))
      .srem(this.keys.poolWorkers(), workerId)
      .exec();
  }

  /** The workers whose announcement has not lapsed, by id; forgets the others. */
  async liveWorkers(): Promise<WorkerAnnouncement[]> {
    const ids = (await this.redis.smembers(this.keys.poolWorkers())).sort();
    if (ids.length === 0) return [];
    const values = await this.redis.mget(...ids.map((id) => this.keys.poolWorker(id)));
    const lapsed = ids.filter((_, i) => values[i] === null);
    if (lapsed.length > 0) await this.redis.srem(this.keys.poolWorkers(), ...lapsed);
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as WorkerAnnouncement);
  }

  /** Records a pool's queue (idempotent). */
  async addPoolQueue(queueName: string): Promise<void> {
    await this.redis.sadd(this.keys.poolQueues(), queueName);
  }

  /** The pool queues recorded, sorted, with their requirements (names that do not parse are skipped). */
  async poolQueues(): Promise<Array<{ queue: string; requirement: Resources }>> {
    const names = (await this.redis.smembers(this.keys.poolQueues())).sort();
    const pools: Array<{ queue: string; requirement: Resources }> = [];
    for (const queue of names) {
      try {
        pools.push({ queue, requirement: requirementOfQueue(queue) });
      } catch {
        // Not written by this version: not a pool this process can serve or show.
      }
    }
    return pools;
  }
}
