import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Deletes the lock only if it still holds our token (a lock that expired and was taken by another
// scheduler is never released by us).
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A per-study lock in Redis, so that one scheduler at a time refills a study, whatever the number of
 * scheduler processes. Held for the seconds a refill takes; the TTL frees it if its holder dies.
 */
export class StudyLock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = 30_000,
  ) {}

  /** Runs `section` under the study's lock; returns false (without running it) when another holds it. */
  async withLock(studyId: number, section: () => Promise<void>): Promise<boolean> {
    const key = `${this.prefix}:lock:study:${studyId}`;
    const token = randomUUID();
    const ok = await this.redis.set(key, token, 'PX', this.ttlMs, 'NX');
    if (ok !== 'OK') return false;
    try {
      await section();
    } finally {
      await this.redis.eval(RELEASE, 1, key, token);
    }
    return true;
  }
}
