import { ServiceUnavailableException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { RedisClient } from '@tuneforge/platform';
import { Cluster } from 'ioredis';

/** How long a probe of Redis or Postgres may take before the service counts as unreachable. */
export const DEPENDENCY_PROBE_MS = 1500;

/** The promise's value, or a rejection naming `what` after `ms` (the promise itself goes on). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Checks, before a mutating route writes anything, that Redis and Postgres answer. Without it a request
 * made while Redis is down stores its change in Postgres and then waits on the queue for as long as Redis
 * stays away (BullMQ's connection retries forever), and the client's retry meets its own half-done write.
 * With it the route answers 503 within {@link DEPENDENCY_PROBE_MS} and nothing is changed.
 */
export class PlatformDependencies {
  constructor(
    private readonly redis: RedisClient,
    private readonly dataSource: DataSource,
    private readonly probeMs = DEPENDENCY_PROBE_MS,
  ) {}

  /** @throws ServiceUnavailableException (503) naming what is down */
  async require(): Promise<void> {
    const [redis, postgres] = await Promise.all([
      this.probe('Redis', () => this.redis.ping()),
      this.probe('Postgres', () => this.dataSource.query('SELECT 1')),
    ]);
    const down = [redis, postgres].filter((d): d is string => d !== null);
    if (down.length === 0) return;
    throw new ServiceUnavailableException({
      statusCode: 503,
      error: 'Service Unavailable',
      message: `${down.join('; ')}: nothing was changed; try again once it is back (GET /health shows what is down).`,
    });
  }

  /** null when the service answered, else `<Name> is unreachable (<where>: <why>)`. */
  private async probe(name: 'Redis' | 'Postgres', call: () => Promise<unknown>): Promise<string | null> {
    try {
      await withTimeout(call(), this.probeMs, name === 'Redis' ? 'PING' : 'SELECT 1');
      return null;
    } catch (e) {
      const why =
        name === 'Redis' && this.redis.status !== 'ready'
          ? `not connected, ${this.redis.status}`
          : (e as Error).message;
      return `${name} is unreachable (${this.where(name)}: ${why})`;
    }
  }

  private where(name: 'Redis' | 'Postgres'): string {
    if (name === 'Redis') {
      if (this.redis instanceof Cluster) return 'the Redis Cluster of REDIS_CLUSTER_NODES';
      return `${this.redis.options.host}:${this.redis.options.port}`;
    }
    const options = this.dataSource.options as { url?: string };
    try {
      const url = new URL(options.url ?? '');
      return url.host;
    } catch {
      return 'the database';
    }
  }
}
