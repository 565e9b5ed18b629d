import { InMemoryStorage, Storage } from '@tuneforge/core';
import { RunDiscarded } from '@tuneforge/sandbox';
import { LeaseKeeper } from './lease-keeper';

async function runningTrial(storage: InMemoryStorage, worker: string) {
  const { studyId } = await storage.createStudy({
    studyName: `s-${Math.random()}`,
    directions: ['minimize'],
  });
  const waiting = await storage.createTrial(studyId, { state: 'WAITING' });
  await storage.claimTrial(waiting.trialId, worker, Date.now());
  return { studyId, trialId: waiting.trialId };
}

/** The in-memory storage with its database "down" on demand (renewLeases throws while down). */
function withOutage(storage: InMemoryStorage): { storage: Storage; down: (d: boolean) => void } {
  let isDown = false;
  const flaky = new Proxy(storage, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property === 'renewLeases' && typeof value === 'function') {
        return (...args: unknown[]) =>
          isDown ? Promise.reject(new Error('connect ECONNREFUSED')) : value.apply(target, args);
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { storage: flaky, down: (d) => (isDown = d) };
}

describe('LeaseKeeper', () => {
  it('renews the leases it holds, so the scheduler does not expire them', async () => {
    const storage = new InMemoryStorage();
    const { studyId, trialId } = await runningTrial(storage, 'w1');
    const keeper = new LeaseKeeper(storage, 'w1', 60_000, 60_000);
    const signal = keeper.hold(trialId);
    const before = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    await keeper.renew();
    const expired = await storage.expireLeases(studyId, before + 1, Date.now(), 2, 'lapsed');
    expect(expired).toEqual({ requeued: [], failed: [] });
    expect(signal.aborted).toBe(false);
    keeper.stop();
  });

  it('stops the run of a trial whose lease was taken back, with a RunDiscarded reason', async () => {
    const storage = new InMemoryStorage();
    const { studyId, trialId } = await runningTrial(storage, 'w1');
    const lost: number[] = [];
    const keeper = new LeaseKeeper(storage, 'w1', 60_000, 60_000, (id) => lost.push(id));
    const signal = keeper.hold(trialId);
    await storage.expireLeases(studyId, Date.now() + 1, Date.now(), 2, 'lapsed');
    await keeper.renew();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(RunDiscarded);
    expect((signal.reason as RunDiscarded).why).toBe('lease-lost');
    expect(lost).toEqual([trialId]);
    keeper.stop();
  });

  it('reports no loss for a trial whose run ended and whose result is being committed', async () => {
    const storage = new InMemoryStorage();
    const { trialId } = await runningTrial(storage, 'w1');
    const lost: number[] = [];
    const keeper = new LeaseKeeper(storage, 'w1', 60_000, 60_000, (id) => lost.push(id));
    const signal = keeper.hold(trialId);
    try {
      keeper.settle(trialId);
      // The finish commits before the renewal round that still holds the trial's id.
      await storage.finishTrial(trialId, 'COMPLETE', [1], Date.now());
      await keeper.renew();
      expect(signal.aborted).toBe(false);
      expect(lost).toEqual([]);
    } finally {
      keeper.stop();
    }
  });

  it('keeps its runs through a short outage and stops them once it could not renew for the fence time', async () => {
    const memory = new InMemoryStorage();
    const { trialId } = await runningTrial(memory, 'w1');
    const { storage, down } = withOutage(memory);
    const keeper = new LeaseKeeper(storage, 'w1', 60_000, 50);
    const signal = keeper.hold(trialId);
    down(true);
    await keeper.renew();
    expect(signal.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    await keeper.renew();
    expect(signal.aborted).toBe(true);
    expect((signal.reason as RunDiscarded).why).toBe('lease-unrenewable');
    keeper.stop();
  });

  it('lets go of released trials: they are neither renewed nor stopped', async () => {
    const storage = new InMemoryStorage();
    const { studyId, trialId } = await runningTrial(storage, 'w1');
    const keeper = new LeaseKeeper(storage, 'w1', 60_000, 60_000);
    const signal = keeper.hold(trialId);
    expect(keeper.holds(trialId)).toBe(true);
    keeper.release(trialId);
    expect(keeper.holds(trialId)).toBe(false);
    await storage.expireLeases(studyId, Date.now() + 1, Date.now(), 2, 'lapsed');
    await keeper.renew();
    expect(signal.aborted).toBe(false);
  });
});
