import { ResourceSemaphore } from './resource-semaphore';

/** Acquires and records whether the share was given yet. */
function ask(semaphore: ResourceSemaphore, need: Record<string, number>) {
  const state: { release: (() => void) | null | undefined } = { release: undefined };
  void semaphore.acquire(need).then((release) => {
    state.release = release;
  });
  return state;
}

const settle = () => new Promise((r) => setImmediate(r));

describe('ResourceSemaphore', () => {
  it('runs as many trials as the resources allow, whatever the slots say', async () => {
    const semaphore = new ResourceSemaphore({ gpu: 2 }, 8);
    const asks = [1, 2, 3].map(() => ask(semaphore, { gpu: 1 }));
    await settle();
    expect(asks.map((a) => typeof a.release)).toEqual(['function', 'function', 'undefined']);
    expect(semaphore.held).toBe(2);
    asks[0].release!();
    await settle();
    expect(typeof asks[2].release).toBe('function');
    expect(semaphore.held).toBe(2);
  });

  it('runs at most `slots` trials, also those that need nothing', async () => {
    const semaphore = new ResourceSemaphore({}, 2);
    const asks = [1, 2, 3].map(() => ask(semaphore, {}));
    await settle();
    expect(asks.filter((a) => a.release).length).toBe(2);
  });

  it('shares the resources between queues of different needs, first come first served', async () => {
    const semaphore = new ResourceSemaphore({ gpu: 2 }, 8);
    const one = ask(semaphore, { gpu: 1 });
    const two = ask(semaphore, { gpu: 2 });
    const small = ask(semaphore, { gpu: 1 });
    await settle();
    // 1 GPU is free, but the trial needing 2 came first: the later small one does not pass it.
    expect([one, two, small].map((a) => typeof a.release)).toEqual(['function', 'undefined', 'undefined']);
    one.release!();
    await settle();
    expect(typeof two.release).toBe('function');
    expect(small.release).toBeUndefined();
    two.release!();
    two.release!(); // given back once only
    await settle();
    expect(typeof small.release).toBe('function');
    expect(semaphore.held).toBe(1);
  });

  it('counts fractions exactly enough: ten trials of 0.1 GPU on one GPU', async () => {
    const semaphore = new ResourceSemaphore({ gpu: 1 }, 100);
    const asks = Array.from({ length: 11 }, () => ask(semaphore, { gpu: 0.1 }));
    await settle();
    expect(asks.filter((a) => a.release).length).toBe(10);
  });

  it('on close, the waiting trials are not started and later asks get nothing', async () => {
    const semaphore = new ResourceSemaphore({ gpu: 1 }, 4);
    const first = ask(semaphore, { gpu: 1 });
    const waiting = ask(semaphore, { gpu: 1 });
    await settle();
    semaphore.close();
    await settle();
    expect(typeof first.release).toBe('function');
    expect(waiting.release).toBeNull();
    await expect(semaphore.acquire({ gpu: 1 })).resolves.toBeNull();
  });

  it('refuses a need the worker can never meet', () => {
    expect(() => new ResourceSemaphore({ cpu: 8 }, 4).acquire({ gpu: 1 })).toThrow(RangeError);
    expect(() => new ResourceSemaphore({}, 0)).toThrow('slots must be an integer >= 1, got 0');
  });
});
