import { Inject, type Provider } from '@nestjs/common';
import type { RedisClient } from '@tuneforge/platform';
import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { PlatformConfig } from '../config/platform-config';
import { ConnectionErrorLog } from './connection-error-log';

export const REDIS = Symbol('REDIS');
/**
 * BullMQ's connection to a Redis Cluster, which the queues and workers share (BullMQ duplicates it for a
 * worker's blocking reads and does not close it: PlatformShutdown does); null on one Redis server, where
 * BullMQ opens and closes its own connections.
 */
export const QUEUE_CLUSTER = Symbol('QUEUE_CLUSTER');
export const InjectRedis = () => Inject(REDIS);

/** ioredis options for a URL: fail fast (the caller's request errors) rather than queue commands forever. */
export function redisOptions(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * The one way the platform connects to Redis, for every role and purpose (its own commands, BullMQ, the
 * event subscriber): to the server of `REDIS_URL`, or to the Redis Cluster of `REDIS_CLUSTER_NODES` (with
 * `REDIS_URL`'s user, password and TLS). `options` are per connection (retries, offline queue).
 */
export function createRedisConnection(
  config: Pick<PlatformConfig, 'redisUrl' | 'redisClusterNodes'>,
  options: RedisOptions = {},
): RedisClient {
  const fromUrl = redisOptions(config.redisUrl);
  if (!config.redisClusterNodes) return new Redis({ ...fromUrl, ...options });
  const { username, password, tls } = fromUrl;
  return new Cluster(
    config.redisClusterNodes.map(({ host, port }) => ({ host, port })),
    {
      redisOptions: { username, password, tls, ...options },
      enableOfflineQueue: options.enableOfflineQueue ?? true,
      // A node's address as the cluster reports it may differ from the seed's (NAT, containers): TLS checks
      // the seed's name.
      ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    },
  );
}

/** The platform's own Redis connection (pruning index, locks, events), besides BullMQ's; PlatformShutdown closes it. */
export const redisProvider: Provider = {
  provide: REDIS,
  inject: [PlatformConfig],
  useFactory: (config: PlatformConfig) => {
    const redis = createRedisConnection(config, {
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      lazyConnect: false,
    });
    // Without a listener ioredis prints every failed reconnection as a non-JSON line.
    redis.on('error', new ConnectionErrorLog('redis').report);
    return redis;
  },
};

/**
 * BullMQ's `connection` for the platform's queues and workers: options on one server, a shared Cluster on a
 * Redis Cluster (BullMQ takes a cluster only as a connection). Blocking reads need maxRetriesPerRequest: null.
 */
export function queueConnection(config: PlatformConfig): ConnectionOptions {
  if (!config.redisClusterNodes) return { ...redisOptions(config.redisUrl), maxRetriesPerRequest: null };
  const cluster = createRedisConnection(config, { maxRetriesPerRequest: null }) as Cluster;
  cluster.on('error', new ConnectionErrorLog('queue redis').report);
  return cluster;
}
