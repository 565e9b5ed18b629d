import { RedisKeys } from '@tuneforge/platform';
import { Redis } from 'ioredis';
import { StudyLock } from './study-lock';

/** A promise and the function that settles it: holds a lock's section open until the test lets go. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('StudyLock (real Redis)', () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  const prefix = `tf-study-lock-${process.pid}-${Date.now()}`;
  const keys = new RedisKeys(prefix);
  let nextStudy = 1;
  const studyId = () => nextStudy++;

  afterAll(async () => {
    const found = await redis.keys(`${prefix}:*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
  });

  it('runs a free study section and returns true, leaving no lock behind', async () => {
    const lock = new StudyLock(redis, prefix);
    const id = studyId();
    let ran = false;
    expect(await lock.withLock(id, async () => void (ran = true))).toBe(true);
    expect(ran).toBe(true);
    expect(await redis.exists(keys.studyLock(id))).toBe(0);
  });

  it('refuses a second caller that does not wait while the first holds the lock', async () => {
    const lock = new StudyLock(redis, prefix);
    const id = studyId();
    const held = gate();
    const entered = gate();
    const first = lock.withLock(id, async () => {
      entered.open();
      await held.opened;
    });
    await entered.opened;
    let secondRan = false;
    expect(await lock.withLock(id, async () => void (secondRan = true))).toBe(false);
    expect(secondRan).toBe(false);
    held.open();
    expect(await first).toBe(true);
  });

  it('locks each study on its own: holding one does not block another', async () => {
    const lock = new StudyLock(redis, prefix);
    const [a, b] = [studyId(), studyId()];
    const held = gate();
    const entered = gate();
    const first = lock.withLock(a, async () => {
      entered.open();
      await held.opened;
    });
    await entered.opened;
    expect(await lock.withLock(b, async () => undefined)).toBe(true);
    held.open();
    await first;
  });

  it('gives a waiting caller the lock once the holder releases it, never both at once', async () => {
    const lock = new StudyLock(redis, prefix);
    const id = studyId();
    const held = gate();
    const entered = gate();
    const order: string[] = [];
    const first = lock.withLock(id, async () => {
      order.push('first in');
      entered.open();
      await held.opened;
      order.push('first out');
    });
    await entered.opened;
    const second = lock.withLock(id, async () => void order.push('second in'), 10_000);
    // The second caller polls while the first still holds the lock.
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual(['first in']);
    held.open();
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
  });

  it('gives up waiting after waitMs when the holder keeps the lock', async () => {
    const lock = new StudyLock(redis, prefix);
    const id = studyId();
    const held = gate();
    const entered = gate();
    const first = lock.withLock(id, async () => {
      entered.open();
      await held.opened;
    });
    await entered.opened;
    expect(await lock.withLock(id, async () => undefined, 100)).toBe(false);
    held.open();
    await first;
  });

  it('takes the lock of a holder that died once its TTL lapses', async () => {
    const lock = new StudyLock(redis, prefix);
    const id = studyId();
    // A holder that died: its token is there, with nothing left to renew or release it.
    await redis.set(keys.studyLock(id), 'dead-holder', 'PX', 300);
    expect(await lock.withLock(id, async () => undefined)).toBe(false);
    let ran = false;
    expect(await lock.withLock(id, async () => void (ran = true), 10_000)).toBe(true);
    expect(ran).toBe(true);
  });

  it('renews the lock of a section that outlives its TTL, so no one else enters meanwhile', async () => {
    const ttlMs = 600;
    const lock = new StudyLock(redis, prefix, ttlMs);
    const other = new StudyLock(redis, prefix, ttlMs);
    const id = studyId();
    const held = gate();
    const entered = gate();
    const first = lock.withLock(id, async () => {
      entered.open();
      await held.opened;
    });
    await entered.opened;
    // Two TTLs: without renewal the key would be gone (renewal runs every third of the TTL).
    await new Promise((r) => setTimeout(r, ttlMs * 2));
    expect(await redis.pttl(keys.studyLock(id))).toBeGreaterThan(0);
    expect(await other.withLock(id, async () => undefined)).toBe(false);
    held.open();
    expect(await first).toBe(true);
    expect(await redis.exists(keys.studyLock(id))).toBe(0);
  });

  it('never releases a lock another holder took after its own lapsed', async () => {
    const lock = new StudyLock(redis, prefix);
    const id = studyId();
    const key = keys.studyLock(id);
    await lock.withLock(id, async () => {
      // Our lock lapsed (e.g. a long pause) and another scheduler took the study.
      await redis.set(key, 'other-holder', 'PX', 60_000);
    });
    expect(await redis.get(key)).toBe('other-holder');
  });
});
