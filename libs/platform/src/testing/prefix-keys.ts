import { queueKeyPrefix } from '../queue-names';
import type { RedisClient } from '../redis-client';

/**
 * Every key of a deployment's prefix on one Redis server: the platform's (`<prefix>:…`, the per-study hash
 * tags included) and BullMQ's (under the prefix as a hash tag, queueKeyPrefix). For tests and benchmarks,
 * which run under a prefix of their own on a shared server.
 */
export async function keysOfPrefix(redis: RedisClient, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for (const pattern of [`${prefix}:*`, `${queueKeyPrefix(prefix)}:*`]) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}

/** Deletes every key of the prefix (keysOfPrefix); the number deleted. */
export async function deleteKeysOfPrefix(redis: RedisClient, prefix: string): Promise<number> {
  const keys = await keysOfPrefix(redis, prefix);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  return keys.length;
}
