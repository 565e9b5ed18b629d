import { GatheredSends } from './gathered-sends';

describe('GatheredSends', () => {
  /** Sends that the test answers one by one: each send's batch, and how to settle it. */
  function controlledSends() {
    const sends: Array<{ batch: string[]; settle: (error?: Error) => void }> = [];
    const gathered = new GatheredSends<string[]>(
      () => [],
      (batch) =>
        new Promise<void>((resolve, reject) =>
          sends.push({ batch, settle: (error) => (error ? reject(error) : resolve()) }),
        ),
    );
    const add = (item: string) => {
      const { batch, sent } = gathered.current();
      batch.push(item);
      return sent;
    };
    return { sends, add };
  }

  const tick = () => new Promise((r) => setImmediate(r));

  it('sends at once, and gathers what comes during a send into the next one', async () => {
    const { sends, add } = controlledSends();
    const a = add('a');
    await tick();
    expect(sends.map((s) => s.batch)).toEqual([['a']]);
    const b = add('b');
    const c = add('c');
    await tick();
    // Nothing more goes out while the first send is unanswered.
    expect(sends).toHaveLength(1);
    sends[0].settle();
    await a;
    await tick();
    expect(sends.map((s) => s.batch)).toEqual([['a'], ['b', 'c']]);
    sends[1].settle();
    await Promise.all([b, c]);
  });

  it('rejects the adds of a failed send only, and sends the next batch', async () => {
    const { sends, add } = controlledSends();
    const a = add('a');
    await tick();
    const b = add('b');
    sends[0].settle(new Error('connection lost'));
    await expect(a).rejects.toThrow('connection lost');
    await tick();
    expect(sends.map((s) => s.batch)).toEqual([['a'], ['b']]);
    sends[1].settle();
    await expect(b).resolves.toBeUndefined();
  });
});
