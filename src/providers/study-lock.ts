import { randomUUID } from 'node:crypto';
import { RedisKeys, type RedisClient } from '@tuneforge/platform';

// Deletes the lock only if it still holds our token (a lock that expired and was taken by another
// scheduler is never released by us).
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Extends the lock only while it is still ours.
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * A per-study lock in Redis: every change of a study's state or trials holds it — the scheduler's
 * refill (sampling, creating, completing) and the API's stop, resume and enqueue — so that none of them
 * interleave, whatever the number of processes. Its TTL is short and renewed while the holder works: a
 * process that dies holding it frees the study within `ttlMs`.
 */
export class StudyLock {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly ttlMs = 6_000,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  /**
   * Runs `section` under the study's lock; returns false (without running it) when another holds it for
   * longer than `waitMs` (0: do not wait).
   */
  async withLock(studyId: number, section: () => Promise<void>, waitMs = 0): Promise<boolean> {
    const key = this.keys.studyLock(studyId);
    const token = randomUUID();
    const giveUpAt = Date.now() + waitMs;
    while ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) !== 'OK') {
      if (Date.now() >= giveUpAt) return false;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
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
