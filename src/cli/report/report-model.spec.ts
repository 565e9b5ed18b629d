import { categoricalDistribution, floatDistribution, type FrozenTrial } from '@tuneforge/core';
import { buildReportModel, formatNumber, maskStorageUrl } from './report-model';

const x = floatDistribution(0, 10);
const opt = categoricalDistribution(['sgd', 'adam']);

function trial(number: number, over: Partial<FrozenTrial>): FrozenTrial {
  return {
    trialId: number + 1,
    number,
    state: 'COMPLETE',
    values: null,
    params: {},
    distributions: {},
    intermediateValues: {},
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: 1_000 * number,
    datetimeComplete: 1_000 * number + 250,
    ...over,
  };
}

const trials = [
  trial(0, {
    values: [4],
    params: { x: 2, opt: 'sgd' },
    distributions: { x, opt },
    intermediateValues: { 1: 5, 2: 4 },
  }),
  trial(1, { values: [1.5], params: { x: 1, opt: 'adam' }, distributions: { x, opt } }),
  trial(2, {
    state: 'PRUNED',
    values: [9],
    params: { x: 9, opt: 'sgd' },
    distributions: { x, opt },
    intermediateValues: { 1: 9 },
  }),
  trial(3, { state: 'FAIL', params: { x: 5 }, distributions: { x } }),
  trial(4, { state: 'RUNNING', params: { x: 3 }, distributions: { x }, datetimeComplete: null }),
];

describe('buildReportModel', () => {
  const model = buildReportModel({
    studyName: 'demo',
    directions: ['minimize'],
    trials,
    userAttrs: { dataset: 'digits' },
    storageUrl: 'postgres://tuner:s3cret@db:5432/tuneforge',
    generatedAt: Date.UTC(2025, 0, 2, 3, 4, 5),
  });

  it('summarizes the study: counts by state, wall time, masked storage, time stamp', () => {
    expect(model.counts).toEqual({ WAITING: 0, RUNNING: 1, COMPLETE: 2, PRUNED: 1, FAIL: 1 });
    expect(model.trialCount).toBe(5);
    expect(model.wallTimeMs).toBe(3_250);
    expect(model.storage).toBe('postgres://tuner:***@db:5432/tuneforge');
    expect(model.generatedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(model.userAttrs).toEqual({ dataset: 'digits' });
  });

  it('names the best completed trial (a pruned lower value does not count)', () => {
    expect(model.best).toEqual([
      { number: 1, values: [1.5], params: { x: 1, opt: 'adam' }, durationMs: 250 },
    ]);
  });

  it('names a feasible trial best before a better infeasible one, as the library does', () => {
    const constrained = buildReportModel({
      studyName: 'limited',
      directions: ['minimize'],
      trials: [
        trial(0, { values: [1], systemAttrs: { constraints: [0.5] } }),
        trial(1, { values: [3], systemAttrs: { constraints: [0] } }),
        trial(2, { values: [2], systemAttrs: { constraints: [-1] } }),
      ],
      generatedAt: 0,
    });
    expect(constrained.best.map((b) => b.number)).toEqual([2]);
  });

  it('lays out the trial table with one column per parameter', () => {
    expect(model.table.columns).toEqual([
      'number',
      'state',
      'value',
      'params_opt',
      'params_x',
      'duration_s',
      'datetime_start',
    ]);
    expect(model.table.rows[0].cells).toEqual([
      '0',
      'COMPLETE',
      '4',
      'sgd',
      '2',
      '0.250',
      '1970-01-01T00:00:00.000Z',
    ]);
    expect(model.table.rows[3].cells).toEqual([
      '3',
      'FAIL',
      null,
      null,
      '5',
      '0.250',
      '1970-01-01T00:00:03.000Z',
    ]);
    expect(model.table.rows[4].cells[5]).toBeNull();
  });

  it('carries every plot, the running trial drawn up to the report time', () => {
    expect(model.plots.optimizationHistory.series[0].values).toHaveLength(2);
    expect(model.plots.intermediateValues.curves.map((c) => [c.number, c.pruned])).toEqual([
      [0, false],
      [2, true],
    ]);
    const running = model.plots.timeline.bars.find((b) => b.number === 4)!;
    expect(running).toMatchObject({ running: true, end: Date.UTC(2025, 0, 2, 3, 4, 5) });
    expect(model.plots.paretoFront).toBeNull();
    expect(model.plots.importances!.map((r) => r.param).sort()).toEqual(['opt', 'x']);
  });

  it('shows the Pareto front as the best trials of several objectives', () => {
    const multi = buildReportModel({
      studyName: 'mo',
      directions: ['minimize', 'maximize'],
      trials: [trial(0, { values: [1, 1] }), trial(1, { values: [2, 3] }), trial(2, { values: [3, 2] })],
      generatedAt: 0,
    });
    expect(multi.best.map((b) => b.number)).toEqual([0, 1]);
    expect(multi.table.columns.slice(2, 4)).toEqual(['values_0', 'values_1']);
    expect(multi.plots.paretoFront!.points.map((p) => p.dominated)).toEqual([false, false, true]);
    expect(multi.storage).toBeNull();
  });
});

describe('maskStorageUrl', () => {
  it.each([
    ['postgres://u:pw@h:5432/db', 'postgres://u:***@h:5432/db'],
    ['postgres://u@h/db', 'postgres://u@h/db'],
    ['sqlite:/tmp/study.db', 'sqlite:/tmp/study.db'],
    ['memory:', 'memory:'],
  ])('%s → %s', (url, shown) => expect(maskStorageUrl(url)).toBe(shown));
});

describe('formatNumber', () => {
  it.each([
    [3, '3'],
    [0.988857938718663, '0.988858'],
    [0.00012345678, '1.2346e-4'],
    [12345678.9, '1.2346e+7'],
    [-2.5, '-2.5'],
  ])('%s → %s', (v, text) => expect(formatNumber(v)).toBe(text));
});
