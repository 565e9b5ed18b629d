import { optimizationHistory } from './optimization-history';
import { makeTrial } from './testing/make-trial';

describe('optimizationHistory', () => {
  const trials = [
    makeTrial(0, { values: [5] }),
    makeTrial(1, { values: [7] }),
    makeTrial(2, { state: 'PRUNED', values: [0.1] }),
    makeTrial(3, { values: [3] }),
    makeTrial(4, { state: 'FAIL' }),
    makeTrial(5, { values: [4] }),
    makeTrial(6, { values: [Infinity] }),
  ];

  it('keeps completed finite values in number order with the best so far (minimize)', () => {
    const data = optimizationHistory([...trials].reverse(), { directions: ['minimize'] });
    expect(data.kind).toBe('optimization-history');
    expect(data.series).toHaveLength(1);
    const [s] = data.series;
    expect(s.objective).toEqual({ index: 0, name: 'Objective Value', direction: 'minimize' });
    expect(s.values).toEqual([
      { number: 0, value: 5 },
      { number: 1, value: 7 },
      { number: 3, value: 3 },
      { number: 5, value: 4 },
    ]);
    expect(s.bestSoFar.map((p) => p.value)).toEqual([5, 5, 3, 3]);
    expect(s.bestTrialNumber).toBe(3);
  });

  it('follows the direction when maximizing', () => {
    const [s] = optimizationHistory(trials, { directions: ['maximize'] }).series;
    expect(s.bestSoFar.map((p) => p.value)).toEqual([5, 7, 7, 7]);
    expect(s.bestTrialNumber).toBe(1);
  });

  it('gives one series per objective, with their names', () => {
    const multi = [makeTrial(0, { values: [1, 9] }), makeTrial(1, { values: [2, 8] })];
    const data = optimizationHistory(multi, {
      directions: ['minimize', 'minimize'],
      objectiveNames: ['error', 'latency'],
    });
    expect(data.series.map((s) => s.objective.name)).toEqual(['error', 'latency']);
    expect(data.series[0].bestSoFar.map((p) => p.value)).toEqual([1, 1]);
    expect(data.series[1].bestSoFar.map((p) => p.value)).toEqual([9, 8]);
  });

  it('is empty, not an error, before any trial completes', () => {
    const [s] = optimizationHistory([makeTrial(0, { state: 'RUNNING' })], {
      directions: ['minimize'],
    }).series;
    expect(s).toMatchObject({ values: [], bestSoFar: [], bestTrialNumber: null });
  });

  it('refuses objective names that do not match the objectives', () => {
    expect(() =>
      optimizationHistory(trials, { directions: ['minimize'], objectiveNames: ['a', 'b'] }),
    ).toThrow(/objectiveNames must have one name per objective \(1\), got 2/);
  });
});
