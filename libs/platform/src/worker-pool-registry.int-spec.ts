import { Redis } from 'ioredis';
import { WorkerPoolRegistry, type WorkerAnnouncement } from './worker-pool-registry';

describe('WorkerPoolRegistry (real Redis)', () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  const prefix = `tf-pools-spec-${process.pid}-${Date.now()}`;
  const registry = new WorkerPoolRegistry(redis, prefix);

  const worker = (workerId: string, resources: Record<string, number>): WorkerAnnouncement => ({
    workerId,
    resources,
    concurrency: 4,
    running: 0,
    queues: ['trials'],
    announcedAt: 1,
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('lists the workers whose announcement has not lapsed, and forgets the others', async () => {
    await registry.announce(worker('gpu-1', { gpu: 1 }), 60_000);
    await registry.announce(worker('cpu-1', { cpu: 8 }), 60_000);
    expect((await registry.liveWorkers()).map((w) => [w.workerId, w.resources])).toEqual([
      ['cpu-1', { cpu: 8 }],
      ['gpu-1', { gpu: 1 }],
    ]);
    // What a lapsed TTL leaves: the id in the set, no announcement.
    await redis.del(`${prefix}:{${prefix}:pools}:worker:gpu-1`);
    expect((await registry.liveWorkers()).map((w) => w.workerId)).toEqual(['cpu-1']);
    expect(await redis.smembers(`${prefix}:{${prefix}:pools}:workers`)).toEqual(['cpu-1']);
  });

  it('announcements carry a TTL; a withdrawn worker is gone at once', async () => {
    await registry.announce(worker('short', {}), 5_000);
    const ttl = await redis.pttl(`${prefix}:{${prefix}:pools}:worker:short`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
    await registry.withdraw('short');
    expect((await registry.liveWorkers()).map((w) => w.workerId)).not.toContain('short');
  });

  it('records pool queues once each, with their requirements', async () => {
    await registry.addPoolQueue('trials@gpu=1');
    await registry.addPoolQueue('trials@cpu=2,gpu=1');
    await registry.addPoolQueue('trials@gpu=1');
    expect(await registry.poolQueues()).toEqual([
      { queue: 'trials@cpu=2,gpu=1', requirement: { cpu: 2, gpu: 1 } },
      { queue: 'trials@gpu=1', requirement: { gpu: 1 } },
    ]);
  });
});
