import { paretoFrontPlot } from './pareto-front';
import { makeTrial } from './testing/make-trial';

describe('paretoFrontPlot', () => {
  const trials = [
    makeTrial(0, { values: [1, 5] }),
    makeTrial(1, { values: [2, 2] }),
    makeTrial(2, { values: [3, 3] }),
    makeTrial(3, { values: [5, 1] }),
    makeTrial(4, { state: 'PRUNED', values: [0, 0] }),
    makeTrial(5, { values: [2, 2] }),
  ];

  it('flags the dominated trials of a 2-objective minimization', () => {
    const data = paretoFrontPlot(trials, { directions: ['minimize', 'minimize'] });
    expect(data.dimensions).toBe(2);
    expect(data.points.map((p) => [p.number, p.dominated])).toEqual([
      [0, false],
      [1, false],
      [2, true],
      [3, false],
      // An equal point does not dominate: both stay on the front.
      [5, false],
    ]);
    expect(data.points[1].values).toEqual([2, 2]);
  });

  it('follows each direction', () => {
    const data = paretoFrontPlot(trials, { directions: ['minimize', 'maximize'] });
    expect(data.points.filter((p) => !p.dominated).map((p) => p.number)).toEqual([0]);
  });

  it('draws three objectives in 3-D and judges dominance on all of them', () => {
    const three = [makeTrial(0, { values: [1, 1, 9] }), makeTrial(1, { values: [1, 1, 1] })];
    const data = paretoFrontPlot(three, { directions: ['minimize', 'minimize', 'minimize'] });
    expect(data.dimensions).toBe(3);
    expect(data.points.map((p) => p.dominated)).toEqual([true, false]);
    const drawn = paretoFrontPlot(
      three,
      { directions: ['minimize', 'minimize', 'minimize'] },
      { objectives: [1, 0] },
    );
    expect(drawn.dimensions).toBe(2);
    expect(drawn.objectives.map((o) => o.index)).toEqual([1, 0]);
    expect(drawn.points.map((p) => p.dominated)).toEqual([true, false]);
  });

  it('marks infeasible trials and judges dominance among the feasible ones only', () => {
    const constrained = [
      makeTrial(0, { values: [0, 0], systemAttrs: { constraints: [0.5, -1] } }),
      makeTrial(1, { values: [1, 3], systemAttrs: { constraints: [0, -1] } }),
      makeTrial(2, { values: [3, 1], systemAttrs: { constraints: [-2, -1] } }),
      makeTrial(3, { values: [4, 4], systemAttrs: { constraints: [-1, -1] } }),
      makeTrial(4, { values: [5, 5], systemAttrs: { constraints: [-1, 2] } }),
    ];
    const data = paretoFrontPlot(constrained, { directions: ['minimize', 'minimize'] });
    expect(data.constrained).toBe(true);
    // Trial 0 is better than every other in both objectives, but infeasible: it does not hide the front.
    expect(data.points.map((p) => [p.number, p.feasible, p.dominated])).toEqual([
      [0, false, true],
      [1, true, false],
      [2, true, false],
      [3, true, true],
      [4, false, true],
    ]);
    const plain = paretoFrontPlot(trials, { directions: ['minimize', 'minimize'] });
    expect(plain.constrained).toBe(false);
    expect(plain.points.every((p) => p.feasible)).toBe(true);
  });

  it('draws every objective of a study of four by default, or the ones asked for', () => {
    const four = [makeTrial(0, { values: [1, 2, 3, 4] }), makeTrial(1, { values: [1, 2, 3, 5] })];
    const directions = ['minimize', 'minimize', 'minimize', 'minimize'] as const;
    const all = paretoFrontPlot(four, { directions });
    expect([all.dimensions, all.points.map((p) => [p.values, p.dominated])]).toEqual([
      4,
      [
        [[1, 2, 3, 4], false],
        [[1, 2, 3, 5], true],
      ],
    ]);
    expect(paretoFrontPlot(four, { directions }, { objectives: [3, 0] }).points[1].values).toEqual([5, 1]);
  });

  it('refuses single-objective studies, one objective to draw, and repeated ones', () => {
    expect(() => paretoFrontPlot(trials, { directions: ['minimize'] })).toThrow(
      'a Pareto front needs two objectives or more, the study has 1',
    );
    expect(() => paretoFrontPlot([], { directions: ['minimize', 'minimize'] }, { objectives: [1] })).toThrow(
      'objectives must name 2 objectives or more, got 1',
    );
    expect(() =>
      paretoFrontPlot([], { directions: ['minimize', 'minimize'] }, { objectives: [0, 0] }),
    ).toThrow('objectives must be distinct, got [0,0]');
  });
});
