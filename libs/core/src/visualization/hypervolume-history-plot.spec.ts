import { paretoSummary } from '../multi-objective/pareto-summary';
import { hypervolumeHistoryPlot } from './hypervolume-history-plot';
import { makeTrial } from './testing/make-trial';

describe('hypervolumeHistoryPlot', () => {
  const directions = ['minimize', 'minimize'] as const;
  const trials = [
    makeTrial(0, { values: [3, 3] }),
    makeTrial(1, { state: 'FAIL', values: null }),
    makeTrial(2, { values: [1, 3.5] }),
    makeTrial(3, { values: [0, 0], systemAttrs: { constraints: [1] } }),
    makeTrial(4, { state: 'RUNNING', values: null }),
    makeTrial(5, { values: [2, 1], systemAttrs: { constraints: [-1] } }),
  ];

  it('measures from the given reference point after each finished trial', () => {
    const data = hypervolumeHistoryPlot(trials, { directions }, { referencePoint: [4, 4] });
    expect(data.referencePointSource).toBe('given');
    expect(data.objectives.map((o) => o.name)).toEqual(['Objective 0', 'Objective 1']);
    // The running trial 4 has no point; the infeasible trial 3 adds nothing.
    expect(data.points).toEqual([
      { number: 0, hypervolume: 1 },
      { number: 1, hypervolume: 1 },
      { number: 2, hypervolume: 2 },
      { number: 3, hypervolume: 2 },
      { number: 5, hypervolume: 6.5 },
    ]);
  });

  it('ends, with the default reference point, at the hypervolume GET /studies/:id/pareto answers', () => {
    const data = hypervolumeHistoryPlot(trials, { directions });
    const summary = paretoSummary(trials, [...directions]);
    expect(data.referencePointSource).toBe('default');
    expect(data.referencePointRule).toMatch(/worst value of each objective/);
    expect(data.referencePoint).toEqual(summary.referencePoint);
    expect(data.points.at(-1)!.hypervolume).toBeCloseTo(summary.hypervolume, 12);
    const hv = data.points.map((p) => p.hypervolume);
    expect(hv).toEqual([...hv].sort((a, b) => a - b));
  });

  it('is empty before a trial completes, skips values that are not finite, and needs two objectives', () => {
    expect(
      hypervolumeHistoryPlot([makeTrial(0, { state: 'FAIL', values: null })], { directions }),
    ).toMatchObject({
      referencePoint: null,
      points: [],
    });
    const withNaN = [makeTrial(0, { values: [NaN, 1] }), makeTrial(1, { values: [1, 1] })];
    expect(hypervolumeHistoryPlot(withNaN, { directions }, { referencePoint: [2, 2] }).points).toEqual([
      { number: 1, hypervolume: 1 },
    ]);
    expect(() => hypervolumeHistoryPlot([], { directions: ['minimize'] })).toThrow(/two objectives or more/);
  });
});
