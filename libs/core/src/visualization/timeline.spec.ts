import { timeline, WORKER_SYSTEM_ATTR } from './timeline';
import { makeTrial } from './testing/make-trial';

const on = (worker: string) => ({ [WORKER_SYSTEM_ATTR]: worker });

describe('timeline', () => {
  it('puts each trial in its worker lane, in order of first trial, with its state', () => {
    const trials = [
      makeTrial(0, { systemAttrs: on('w-b'), datetimeStart: 1000, datetimeComplete: 3000 }),
      makeTrial(1, { systemAttrs: on('w-a'), datetimeStart: 1500, datetimeComplete: 2000, state: 'PRUNED' }),
      makeTrial(2, { systemAttrs: on('w-b'), datetimeStart: 3000, datetimeComplete: 4000, state: 'FAIL' }),
      makeTrial(3, { state: 'WAITING', datetimeStart: null, datetimeComplete: null }),
    ];
    const data = timeline(trials);
    expect(data.lanes).toEqual([
      { name: 'w-b', slots: 1 },
      { name: 'w-a', slots: 1 },
    ]);
    expect(data.bars).toEqual([
      { number: 0, state: 'COMPLETE', lane: 0, slot: 0, start: 1000, end: 3000, running: false },
      { number: 1, state: 'PRUNED', lane: 1, slot: 0, start: 1500, end: 2000, running: false },
      { number: 2, state: 'FAIL', lane: 0, slot: 0, start: 3000, end: 4000, running: false },
    ]);
    expect([data.start, data.end]).toEqual([1000, 4000]);
  });

  it("gives a platform client's trials one lane, whatever lease each had", () => {
    const lease = (n: number) => `client:qa-bench:60s:${n.toString(16).padStart(32, '0')}`;
    const trials = [0, 1, 2].map((n) =>
      makeTrial(n, { systemAttrs: on(lease(n + 1)), datetimeStart: 1000 + n, datetimeComplete: 2000 + n }),
    );
    const data = timeline(trials);
    expect(data.lanes).toEqual([{ name: 'client:qa-bench', slots: 3 }]);
    expect(data.bars.map((b) => [b.lane, b.slot])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
    ]);
  });

  it('stacks overlapping trials of one process into the fewest slots of the local lane', () => {
    const trials = [
      makeTrial(0, { datetimeStart: 0, datetimeComplete: 10 }),
      makeTrial(1, { datetimeStart: 2, datetimeComplete: 5 }),
      makeTrial(2, { datetimeStart: 6, datetimeComplete: 12 }),
      makeTrial(3, { datetimeStart: 11, datetimeComplete: 13 }),
    ];
    const data = timeline(trials);
    expect(data.lanes).toEqual([{ name: 'local', slots: 2 }]);
    expect(data.bars.map((b) => [b.number, b.slot])).toEqual([
      [0, 0],
      [1, 1],
      [2, 1],
      [3, 0],
    ]);
  });

  it('draws running trials up to now', () => {
    const trials = [
      makeTrial(0, { datetimeStart: 0, datetimeComplete: 50 }),
      makeTrial(1, { state: 'RUNNING', datetimeStart: 40 }),
    ];
    expect(timeline(trials, { now: 90 }).bars[1]).toMatchObject({ end: 90, running: true });
    // Without a clock, up to the latest time known.
    expect(timeline(trials).bars[1]).toMatchObject({ end: 50, running: true });
    expect(timeline([])).toEqual({ kind: 'timeline', lanes: [], bars: [], start: null, end: null });
  });
});
