import { categoricalDistribution, floatDistribution } from '../distributions';
import { slicePlot } from './slice';
import { makeTrial } from './testing/make-trial';

const lr = floatDistribution(1e-4, 1e-1, { log: true });
const act = categoricalDistribution(['relu', 'tanh']);

describe('slicePlot', () => {
  const trials = [
    makeTrial(0, { values: [0.5], params: { lr: 0.01, act: 'tanh' }, distributions: { lr, act } }),
    makeTrial(1, { values: [0.25], params: { lr: 0.001 }, distributions: { lr } }),
    makeTrial(2, {
      state: 'PRUNED',
      values: [0.9],
      params: { lr: 0.05, act: 'relu' },
      distributions: { lr, act },
    }),
  ];

  it('plots each parameter against the value of the completed trials that have it', () => {
    const data = slicePlot(trials, { directions: ['minimize'] });
    expect(data.kind).toBe('slice');
    expect(data.params.map((p) => p.axis.name)).toEqual(['act', 'lr']);
    const [actSlice, lrSlice] = data.params;
    expect(actSlice.axis.categories).toEqual(['relu', 'tanh']);
    expect(actSlice.points).toEqual([{ number: 0, x: 1, value: 0.5 }]);
    expect(lrSlice.axis.scale).toBe('log');
    expect(lrSlice.points).toEqual([
      { number: 0, x: 0.01, value: 0.5 },
      { number: 1, x: 0.001, value: 0.25 },
    ]);
  });

  it('shows the chosen parameters and objective only', () => {
    const multi = [makeTrial(0, { values: [1, 2], params: { lr: 0.01 }, distributions: { lr } })];
    const data = slicePlot(multi, { directions: ['minimize', 'maximize'] }, { objective: 1, params: ['lr'] });
    expect(data.objective).toEqual({ index: 1, name: 'Objective 1', direction: 'maximize' });
    expect(data.params[0].points).toEqual([{ number: 0, x: 0.01, value: 2 }]);
    expect(() => slicePlot(multi, { directions: ['minimize', 'maximize'] }, { objective: 2 })).toThrow(
      'objective must be an integer in [0, 1], got 2',
    );
  });
});
