import { ConfigError, loadPlatformConfig } from './platform-config';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/tf', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('loadPlatformConfig: REDIS_CLUSTER_NODES', () => {
  it('is one Redis server when unset', () => {
    expect(loadPlatformConfig(base).redisClusterNodes).toBeNull();
  });

  it('needs no REDIS_URL beside it (that only carries credentials and TLS)', () => {
    const config = loadPlatformConfig({ ...base, REDIS_CLUSTER_NODES: '127.0.0.1:7000' });
    expect(config.redisClusterNodes).toEqual([{ host: '127.0.0.1', port: 7000 }]);
  });

  it('reads comma-separated host:port seed nodes (IPv6 in brackets)', () => {
    const config = loadPlatformConfig({
      ...base,
      REDIS_CLUSTER_NODES: 'redis-1:7000, 10.0.0.2:7001,[::1]:7002',
    });
    expect(config.redisClusterNodes).toEqual([
      { host: 'redis-1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
  });

  it.each(['redis-1', 'redis-1:0', 'redis-1:7000,', 'redis-1:70000', 'redis://redis-1:7000'])(
    'refuses %p with one message naming the setting and the entry',
    (value) => {
      let error: unknown;
      try {
        loadPlatformConfig({ ...base, REDIS_CLUSTER_NODES: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(1);
      expect((error as ConfigError).problems[0]).toMatch(
        /^REDIS_CLUSTER_NODES must be comma-separated host:port pairs/,
      );
    },
  );
});

describe('loadPlatformConfig: Postgres connections', () => {
  it('sizes the pools per role: api 10, scheduler 4, a worker its concurrency + 2 up to 10', () => {
    const size = (env: NodeJS.ProcessEnv) => loadPlatformConfig({ ...base, ...env }).pgPoolSize;
    expect(size({ TUNEFORGE_ROLE: 'api' })).toBe(10);
    expect(size({ TUNEFORGE_ROLE: 'scheduler' })).toBe(4);
    expect(size({ TUNEFORGE_ROLE: 'worker', TUNEFORGE_WORKER_CONCURRENCY: '4' })).toBe(6);
    expect(size({ TUNEFORGE_ROLE: 'worker', TUNEFORGE_WORKER_CONCURRENCY: '8' })).toBe(10);
    // Whatever the concurrency: two workers at 64 must not exhaust a default Postgres (100 connections).
    expect(size({ TUNEFORGE_ROLE: 'worker', TUNEFORGE_WORKER_CONCURRENCY: '64' })).toBe(10);
    expect(size({ TUNEFORGE_ROLE: 'all', TUNEFORGE_WORKER_CONCURRENCY: '64' })).toBe(20);
    expect(size({ TUNEFORGE_ROLE: 'worker', TUNEFORGE_PG_POOL_SIZE: '5' })).toBe(5);
  });

  it('turns transaction pooling on with 1 only, and names a bad setting', () => {
    expect(loadPlatformConfig(base).pgTransactionPooling).toBe(false);
    expect(loadPlatformConfig({ ...base, TUNEFORGE_PG_TRANSACTION_POOLING: '1' }).pgTransactionPooling).toBe(
      true,
    );
    for (const env of [{ TUNEFORGE_PG_TRANSACTION_POOLING: 'yes' }, { TUNEFORGE_PG_POOL_SIZE: '0' }]) {
      let error: unknown;
      try {
        loadPlatformConfig({ ...base, ...env });
      } catch (e) {
        error = e;
      }
      expect((error as ConfigError).problems).toEqual([expect.stringContaining(Object.keys(env)[0])]);
    }
  });
});
