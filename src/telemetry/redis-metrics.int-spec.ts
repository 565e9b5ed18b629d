import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { PRUNING_DECISIONS, TRIAL_DURATION } from './metric-definitions';
import { RedisMetrics } from './redis-metrics';

describe('RedisMetrics (real Redis, a fresh prefix)', () => {
  const prefix = `tfmetrics${randomBytes(4).toString('hex')}`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis({ host: '127.0.0.1', port: 6379 });
  });

  afterAll(async () => {
    // `<prefix>:…` and `<prefix>b:…` (the second test's).
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('adds up counters and histograms from several writers, by label set', async () => {
    const a = new RedisMetrics(redis, prefix);
    const b = new RedisMetrics(redis, prefix);
    await a.increment(PRUNING_DECISIONS, { decision: 'pruned' });
    await b.increment(PRUNING_DECISIONS, { decision: 'pruned' }, 2);
    await b.increment(PRUNING_DECISIONS, { decision: 'kept' });
    for (const seconds of [0.003, 0.2, 0.2, 7, 5000])
      await a.observe(TRIAL_DURATION, seconds, { state: 'COMPLETE' });
    await b.observe(TRIAL_DURATION, 0.05, { state: 'PRUNED' });
    await b.observe(TRIAL_DURATION, NaN, { state: 'PRUNED' });

    const snapshot = await new RedisMetrics(redis, prefix).snapshot();
    const decisions = snapshot.counters.get(PRUNING_DECISIONS)!;
    expect(decisions).toEqual(
      expect.arrayContaining([
        { labels: { decision: 'pruned' }, value: 3 },
        { labels: { decision: 'kept' }, value: 1 },
      ]),
    );
    const durations = snapshot.histograms.get(TRIAL_DURATION)!;
    const complete = durations.find((s) => s.labels.state === 'COMPLETE')!;
    const le = (bound: number) => complete.buckets[TRIAL_DURATION.buckets.indexOf(bound)];
    expect([le(0.01), le(0.25), le(10), le(3600)]).toEqual([1, 3, 4, 4]);
    expect(complete.count).toBe(5);
    expect(complete.sum).toBeCloseTo(5007.403, 6);
    const pruned = durations.find((s) => s.labels.state === 'PRUNED')!;
    expect(pruned).toMatchObject({ count: 1, sum: 0.05 });
  });

  it('gathers what is added together into one write (one MULTI), losing nothing', async () => {
    let writes = 0;
    const counted = new Proxy(redis, {
      get(target, property) {
        if (property === 'multi') writes++;
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const metrics = new RedisMetrics(counted, `${prefix}b`);
    const first = metrics.increment(PRUNING_DECISIONS, { decision: 'kept' });
    const rest = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? metrics.increment(PRUNING_DECISIONS, { decision: 'pruned' })
        : metrics.observe(TRIAL_DURATION, 0.2, { state: 'COMPLETE' }),
    );
    await Promise.all([first, ...rest]);
    expect(writes).toBe(1);
    // Added after the first write was answered: a write of its own.
    await metrics.increment(PRUNING_DECISIONS, { decision: 'kept' }, 2);
    expect(writes).toBe(2);

    const snapshot = await new RedisMetrics(redis, `${prefix}b`).snapshot();
    expect(snapshot.counters.get(PRUNING_DECISIONS)).toEqual(
      expect.arrayContaining([
        { labels: { decision: 'kept' }, value: 3 },
        { labels: { decision: 'pruned' }, value: 100 },
      ]),
    );
    const complete = snapshot.histograms.get(TRIAL_DURATION)!.find((h) => h.labels.state === 'COMPLETE')!;
    expect(complete.count).toBe(100);
    expect(complete.sum).toBeCloseTo(20, 9);
  });
});
