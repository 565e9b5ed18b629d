import { CONSTRAINTS_ATTR } from '../multi-objective/constraints';
import { blankTrial, type FrozenTrial } from '../trial/frozen-trial';
import type { TrialState } from '../trial/trial-state';
import { bestOfTrials, countByState, pageOfTrials, type TrialPageQuery } from './trial-reads';

function trial(
  number: number,
  value: number | null,
  state: TrialState = 'COMPLETE',
  violated = false,
): FrozenTrial {
  return {
    ...blankTrial(number, number, state),
    values: value === null ? null : [value],
    systemAttrs: violated ? { [CONSTRAINTS_ATTR]: [1] } : {},
  };
}

// Ties (1 twice), both infinities, NaN, and two trials without a value.
const TRIALS = [
  trial(0, 3),
  trial(1, null, 'RUNNING'),
  trial(2, 1),
  trial(3, NaN),
  trial(4, -Infinity, 'COMPLETE', true),
  trial(5, 1),
  trial(6, Infinity),
  trial(7, null, 'FAIL'),
];
const numbers = (query: TrialPageQuery) => pageOfTrials(TRIALS, query).trials.map((t) => t.number);

describe('trial pages', () => {
  it('orders by value with ties by number upwards, NaN after the numbers and no value last, in both orders', () => {
    expect(numbers({ order: 'value', limit: 100 })).toEqual([4, 2, 5, 0, 6, 3, 1, 7]);
    expect(numbers({ order: '-value', limit: 100 })).toEqual([6, 0, 2, 5, 4, 3, 1, 7]);
    expect(numbers({ order: '-number', limit: 100 })).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('starts after the next of the previous page, and says when no page follows', () => {
    const first = pageOfTrials(TRIALS, { order: 'value', limit: 3 });
    expect(first.next).toEqual({ number: 5, value: 1 });
    const second = pageOfTrials(TRIALS, { order: 'value', limit: 3, after: first.next });
    expect(second.trials.map((t) => t.number)).toEqual([0, 6, 3]);
    const last = pageOfTrials(TRIALS, { order: 'value', limit: 3, after: second.next });
    expect(last.trials.map((t) => t.number)).toEqual([1, 7]);
    expect(last.next).toBeNull();
  });

  it('skips an offset, and filters by state', () => {
    expect(numbers({ order: 'number', offset: 6, limit: 5 })).toEqual([6, 7]);
    expect(numbers({ order: 'value', state: 'COMPLETE', limit: 100 })).toEqual([4, 2, 5, 0, 6, 3]);
  });
});

describe('best trial and counts', () => {
  it('puts a feasible trial before a better infeasible one, then the lower number among equal values', () => {
    expect(bestOfTrials(TRIALS, 'minimize')?.number).toBe(2);
    expect(bestOfTrials(TRIALS, 'maximize')?.number).toBe(6);
    expect(bestOfTrials([trial(0, 5, 'COMPLETE', true)], 'minimize')?.number).toBe(0);
    expect(bestOfTrials([trial(0, null, 'RUNNING')], 'minimize')).toBeNull();
  });

  it('counts every state', () => {
    expect(countByState(TRIALS)).toEqual({ WAITING: 0, RUNNING: 1, COMPLETE: 6, PRUNED: 0, FAIL: 1 });
  });
});
