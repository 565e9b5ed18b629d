import { GroupedWrites } from './grouped-writes';

interface Write {
  readonly id: number;
  readonly tag: string;
}

/** A statement that the test answers by hand: each call waits until `answer` is called for it. */
function manualStatement(answer: (inputs: readonly Write[]) => Map<number, string> | Error) {
  const sent: Write[][] = [];
  const waiting: Array<() => void> = [];
  const send = (inputs: readonly Write[]) => {
    sent.push([...inputs]);
    return new Promise<Map<number, string>>((resolve, reject) => {
      waiting.push(() => {
        const out = answer(inputs);
        if (out instanceof Error) reject(out);
        else resolve(out);
      });
    });
  };
  const returnNext = async () => {
    waiting.shift()!();
    // Let the group's callers and the next send run.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { sent, send, returnNext };
}

const applied = (inputs: readonly Write[]) => new Map(inputs.map((w) => [w.id, `done ${w.tag}`]));
const ids = (groups: Write[][]) => groups.map((g) => g.map((w) => w.tag));

describe('GroupedWrites', () => {
  it('sends a write at once, and the writes made meanwhile together when it returns', async () => {
    const statement = manualStatement(applied);
    const writes = new GroupedWrites<Write, string>((w) => w.id, statement.send);
    const first = writes.write({ id: 1, tag: 'a' });
    const later = [writes.write({ id: 2, tag: 'b' }), writes.write({ id: 3, tag: 'c' })];
    expect(ids(statement.sent)).toEqual([['a']]);
    await statement.returnNext();
    expect(ids(statement.sent)).toEqual([['a'], ['b', 'c']]);
    await statement.returnNext();
    await expect(first).resolves.toBe('done a');
    await expect(Promise.all(later)).resolves.toEqual(['done b', 'done c']);
  });

  it('answers undefined for a write the statement refused', async () => {
    const statement = manualStatement((inputs) => applied(inputs.filter((w) => w.id !== 2)));
    const writes = new GroupedWrites<Write, string>((w) => w.id, statement.send);
    const all = [1, 2, 3].map((id) => writes.write({ id, tag: String(id) }));
    await statement.returnNext();
    await statement.returnNext();
    await expect(Promise.all(all)).resolves.toEqual(['done 1', undefined, 'done 3']);
  });

  it('never puts two writes of one key in a statement: the second goes in the next, in order', async () => {
    const statement = manualStatement(applied);
    const writes = new GroupedWrites<Write, string>((w) => w.id, statement.send);
    const all = [
      writes.write({ id: 9, tag: 'first' }),
      writes.write({ id: 7, tag: 'x' }),
      writes.write({ id: 7, tag: 'y' }),
      writes.write({ id: 8, tag: 'z' }),
      writes.write({ id: 7, tag: 'w' }),
    ];
    for (let i = 0; i < 4; i++) await statement.returnNext();
    expect(ids(statement.sent)).toEqual([['first'], ['x', 'z'], ['y'], ['w']]);
    await expect(Promise.all(all)).resolves.toHaveLength(5);
  });

  it('sends each write of a failed group alone, so that only the culprit sees the error', async () => {
    const statement = manualStatement((inputs) =>
      inputs.some((w) => w.tag === 'bad') ? new Error('value out of range') : applied(inputs),
    );
    const writes = new GroupedWrites<Write, string>((w) => w.id, statement.send);
    const first = writes.write({ id: 1, tag: 'a' });
    const good = writes.write({ id: 2, tag: 'b' });
    const bad = writes.write({ id: 3, tag: 'bad' });
    await statement.returnNext();
    await statement.returnNext();
    await statement.returnNext();
    await statement.returnNext();
    expect(ids(statement.sent)).toEqual([['a'], ['b', 'bad'], ['b'], ['bad']]);
    await expect(first).resolves.toBe('done a');
    await expect(good).resolves.toBe('done b');
    await expect(bad).rejects.toThrow('value out of range');
  });

  it('gives a lost connection to every write of the group (each caller retries as it would alone)', async () => {
    let connected = false;
    const statement = manualStatement((inputs) =>
      connected
        ? applied(inputs)
        : Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    const writes = new GroupedWrites<Write, string>((w) => w.id, statement.send);
    const first = writes.write({ id: 1, tag: 'a' });
    const group = [writes.write({ id: 2, tag: 'b' }), writes.write({ id: 3, tag: 'c' })];
    await statement.returnNext();
    await statement.returnNext();
    expect(ids(statement.sent)).toEqual([['a'], ['b', 'c']]);
    await expect(first).rejects.toThrow('ECONNREFUSED');
    for (const w of group) await expect(w).rejects.toThrow('ECONNREFUSED');
    connected = true;
    const again = writes.write({ id: 2, tag: 'b' });
    await statement.returnNext();
    await expect(again).resolves.toBe('done b');
  });

  it('carries at most 256 writes in one statement', async () => {
    const statement = manualStatement(applied);
    const writes = new GroupedWrites<Write, string>((w) => w.id, statement.send);
    const all = Array.from({ length: 301 }, (_, id) => writes.write({ id, tag: String(id) }));
    for (let i = 0; i < 3; i++) await statement.returnNext();
    expect(statement.sent.map((g) => g.length)).toEqual([1, 256, 44]);
    await expect(Promise.all(all)).resolves.toHaveLength(301);
  });
});
