import { Inject, type Provider } from '@nestjs/common';
import { Redis } from 'ioredis';
import { PlatformConfig } from '../config/platform-config';
import { ConnectionErrorLog } from './connection-error-log';

export const REDIS = Symbol('REDIS');
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

/** The platform's own Redis connection (pruning index, locks, events), besides BullMQ's; PlatformShutdown closes it. */
export const redisProvider: Provider = {
  provide: REDIS,
  inject: [PlatformConfig],
  useFactory: (config: PlatformConfig) => {
    const redis = new Redis({
      ...redisOptions(config.redisUrl),
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      lazyConnect: false,
    });
    // Without a listener ioredis prints every failed reconnection as a non-JSON line.
    redis.on('error', new ConnectionErrorLog('redis').report);
    return redis;
  },
};
