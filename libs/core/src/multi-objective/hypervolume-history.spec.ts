import { blankTrial, type FrozenTrial } from '../trial/frozen-trial';
import { CONSTRAINTS_ATTR } from './constraints';
import { hypervolumeHistory } from './hypervolume-history';

function trial(number: number, values: number[] | null, constraints?: number[]): FrozenTrial {
  return {
    ...blankTrial(number, number, values ? 'COMPLETE' : 'FAIL'),
    values,
    systemAttrs: constraints ? { [CONSTRAINTS_ATTR]: constraints } : {},
  };
}

describe('hypervolumeHistory', () => {
  it('grows with each trial that enters the front, and only with those', () => {
    const trials = [
      trial(0, [3, 3]), // box 1 × 1 against (4, 4)
      trial(1, null), // failed: no change
      trial(2, [1, 3.5]), // adds 2 × 0.5
      trial(3, [3.5, 3.5]), // dominated: no change
      trial(4, [0, 0], [1]), // infeasible: no change
      trial(5, [5, 0]), // outside the reference box: no change
      trial(6, [2, 1]), // adds the rest of [2, 4) × [1, 3) ∪ …
    ];
    expect(hypervolumeHistory(trials, ['minimize', 'minimize'], [4, 4])).toEqual([
      { number: 0, hypervolume: 1 },
      { number: 1, hypervolume: 1 },
      { number: 2, hypervolume: 2 },
      { number: 3, hypervolume: 2 },
      { number: 4, hypervolume: 2 },
      { number: 5, hypervolume: 2 },
      { number: 6, hypervolume: 6.5 },
    ]);
  });

  it('measures maximized objectives upwards from the reference point', () => {
    const history = hypervolumeHistory(
      [trial(0, [3, 1]), trial(1, [1, 2])],
      ['maximize', 'minimize'],
      [0, 4],
    );
    expect(history.map((p) => p.hypervolume)).toEqual([9, 9]);
  });

  it('refuses a reference point of the wrong length', () => {
    expect(() => hypervolumeHistory([], ['minimize', 'minimize'], [1])).toThrow(/needs 2 coordinates/);
  });
});
