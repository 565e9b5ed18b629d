import type { Cluster, Redis } from 'ioredis';

/**
 * A connection to the platform's Redis: one server (`REDIS_URL`) or a Redis Cluster
 * (`REDIS_CLUSTER_NODES`). The platform sends only commands both run the same way: single keys, or keys
 * of one hash tag (`RedisKeys`).
 */
export type RedisClient = Redis | Cluster;
