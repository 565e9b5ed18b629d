import { empiricalDistribution } from './empirical-distribution';
import { makeTrial } from './testing/make-trial';

describe('empiricalDistribution', () => {
  it('steps up by 1/n at each completed value, ties at once', () => {
    const trials = [3, 1, 2, 2].map((v, i) => makeTrial(i, { values: [v] }));
    trials.push(makeTrial(4, { state: 'PRUNED', values: [0] }));
    const data = empiricalDistribution(trials, { directions: ['minimize'] });
    expect(data).toEqual({
      kind: 'empirical-distribution',
      objective: { index: 0, name: 'Objective Value', direction: 'minimize' },
      count: 4,
      points: [
        { value: 1, fraction: 0.25 },
        { value: 2, fraction: 0.75 },
        { value: 3, fraction: 1 },
      ],
    });
  });

  it('uses the chosen objective', () => {
    const trials = [makeTrial(0, { values: [1, 40] }), makeTrial(1, { values: [2, 30] })];
    const data = empiricalDistribution(trials, { directions: ['minimize', 'minimize'] }, { objective: 1 });
    expect(data.points).toEqual([
      { value: 30, fraction: 0.5 },
      { value: 40, fraction: 1 },
    ]);
  });
});
