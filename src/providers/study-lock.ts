import { randomUUID } from 'node:crypto';
import { RedisKeys } from '@tuneforge/queue';
import type { Redis } from 'ioredis';

// Deletes the lock only if it still holds our token (a lock that expired and was taken by another
// scheduler is never released by us).
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Extends the lock only while it is still ours.
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * A per-study lock in Redis, so that one scheduler at a time refills a study, whatever the number of
 * scheduler processes. Its TTL is short and renewed while the refill runs: a scheduler that dies
 * mid-refill frees the study within `ttlMs`, and the next refill (another scheduler's, or its own after
 * a restart) goes on from there.
 */
export class StudyLock {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly ttlMs = 6_000,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  /** Runs `section` under the study's lock; returns false (without running it) when another holds it. */
  async withLock(studyId: number, section: () => Promise<void>): Promise<boolean> {
    const key = this.keys.studyLock(studyId);
    const token = randomUUID();
    const ok = await this.redis.set(key, token, 'PX', this.ttlMs, 'NX');
    if (ok !== 'OK') return false;
    const renewal = setInterval(() => {
      this.redis.eval(EXTEND, 1, key, token, String(this.ttlMs)).catch(() => undefined);
    }, this.ttlMs / 3);
    try {
      await section();
    } finally {
      clearInterval(renewal);
      await this.redis.eval(RELEASE, 1, key, token);
    }
    return true;
  }
}
