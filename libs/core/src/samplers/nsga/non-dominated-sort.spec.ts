import { CONSTRAINTS_ATTR } from '../../multi-objective/constraints';
import { blankTrial, type FrozenTrial } from '../../trial/frozen-trial';
import { crowdingDistances, nonDominatedFronts, paretoFronts } from './non-dominated-sort';

const MIN2 = ['minimize', 'minimize'] as const;

function trial(number: number, values: number[], constraints?: number[]): FrozenTrial {
  return {
    ...blankTrial(number, number, 'COMPLETE'),
    values,
    systemAttrs: constraints ? { [CONSTRAINTS_ATTR]: constraints } : {},
  };
}

describe('non-dominated sorting', () => {
  it('splits a hand-made set into its fronts', () => {
    const values = [
      [1, 5], // front 0
      [2, 2], // front 0
      [5, 1], // front 0
      [3, 3], // front 1 (dominated by [2,2])
      [2, 6], // front 1 (dominated by [1,5])
      [4, 4], // front 2 (dominated by [3,3])
      [2, 2], // a duplicate: front 0 too
    ];
    expect(paretoFronts(values, MIN2)).toEqual([[0, 1, 2, 6], [3, 4], [5]]);
  });

  it('follows each objective’s direction', () => {
    expect(
      paretoFronts(
        [
          [1, 1],
          [2, 2],
          [0, 3],
        ],
        ['maximize', 'maximize'],
      ),
    ).toEqual([[1, 2], [0]]);
  });

  it('ranks feasible trials first, then infeasible ones by total violation', () => {
    const trials = [
      trial(0, [0, 0], [0.5]),
      trial(1, [3, 3], [-1]),
      trial(2, [1, 4], []),
      trial(3, [0, 0], [0.2, 0.3]),
      trial(4, [5, 5], [0.1]),
      trial(5, [4, 4], [0]),
    ];
    expect(nonDominatedFronts(trials, MIN2)).toEqual([[1, 2], [5], [4], [0, 3]]);
  });
});

describe('crowding distance', () => {
  it('gives the extremes Infinity and the others the normalized gap between neighbours', () => {
    // On the line x + y = 4: points at x = 0, 1, 3, 4 → interior gaps (3 - 0)/4 and (4 - 1)/4, twice (both axes).
    const d = crowdingDistances([
      [0, 4],
      [1, 3],
      [3, 1],
      [4, 0],
    ]);
    expect(d[0]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    expect(d[1]).toBeCloseTo(1.5, 12);
    expect(d[2]).toBeCloseTo(1.5, 12);
  });

  it('is Infinity for fronts of one or two points and ignores objectives without range', () => {
    expect(crowdingDistances([[1, 2]])).toEqual([Infinity]);
    expect(
      crowdingDistances([
        [1, 2],
        [2, 1],
      ]),
    ).toEqual([Infinity, Infinity]);
    const flat = crowdingDistances([
      [0, 7],
      [1, 7],
      [3, 7],
    ]);
    expect(flat[1]).toBeCloseTo(1, 12);
  });
});
