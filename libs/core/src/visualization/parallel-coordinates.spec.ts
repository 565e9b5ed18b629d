import { categoricalDistribution, floatDistribution } from '../distributions';
import { parallelCoordinates } from './parallel-coordinates';
import { makeTrial } from './testing/make-trial';

const lr = floatDistribution(1e-4, 1e-1, { log: true });
const act = categoricalDistribution(['relu', 'tanh', 'gelu']);
const depth = floatDistribution(0, 1);

describe('parallelCoordinates', () => {
  const trials = [
    makeTrial(0, { values: [0.9], params: { lr: 0.01, act: 'gelu' }, distributions: { lr, act } }),
    makeTrial(1, {
      values: [0.8],
      params: { lr: 0.001, act: 'relu', depth: 0.5 },
      distributions: { lr, act, depth },
    }),
    makeTrial(2, {
      state: 'PRUNED',
      values: [0.1],
      params: { lr: 0.1, act: 'tanh' },
      distributions: { lr, act },
    }),
  ];

  it('draws the parameters all completed trials share, categoricals as indices', () => {
    const data = parallelCoordinates(trials, { directions: ['maximize'] });
    expect(data.kind).toBe('parallel-coordinates');
    expect(data.objective.direction).toBe('maximize');
    expect(data.dimensions.map((d) => [d.name, d.scale])).toEqual([
      ['act', 'category'],
      ['lr', 'log'],
    ]);
    expect(data.dimensions[0].categories).toEqual(['relu', 'tanh', 'gelu']);
    expect(data.rows).toEqual([
      { number: 0, value: 0.9, coordinates: [2, 0.01] },
      { number: 1, value: 0.8, coordinates: [0, 0.001] },
    ]);
  });

  it('shows a conditional parameter when asked, with the trials that have it', () => {
    const data = parallelCoordinates(trials, { directions: ['maximize'] }, { params: ['depth', 'lr'] });
    expect(data.rows).toEqual([{ number: 1, value: 0.8, coordinates: [0.5, 0.001] }]);
  });
});
