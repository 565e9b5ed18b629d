import { firstDifference } from './definition-difference';

describe('firstDifference', () => {
  const stored = {
    name: 'demo',
    budget: { nTrials: 60, maxParallel: 4, timeoutSec: null },
    searchSpace: [{ name: 'x', type: 'float', low: 0, high: 1 }],
    sampler: { type: 'tpe', options: {} },
  };

  it('finds none between equal documents, whatever the order of their keys (jsonb reorders them)', () => {
    const reordered = {
      sampler: { options: {}, type: 'tpe' },
      searchSpace: [{ high: 1, low: 0, type: 'float', name: 'x' }],
      budget: { timeoutSec: null, maxParallel: 4, nTrials: 60 },
      name: 'demo',
    };
    expect(firstDifference(stored, reordered)).toBeNull();
  });

  it('names a changed value by its path', () => {
    expect(firstDifference(stored, { ...stored, budget: { ...stored.budget, nTrials: 80 } })).toEqual({
      field: 'budget.nTrials',
      stored: 60,
      given: 80,
    });
  });

  it('names an array item by its index, and a field present on one side only', () => {
    const given = { ...stored, searchSpace: [{ name: 'x', type: 'float', low: 0, high: 2 }] };
    expect(firstDifference(stored, given)?.field).toBe('searchSpace.0.high');
    const longer = { ...stored, searchSpace: [...stored.searchSpace, { name: 'y' }] };
    expect(firstDifference(stored, longer)).toEqual({
      field: 'searchSpace.1',
      stored: undefined,
      given: { name: 'y' },
    });
    expect(firstDifference(stored, { ...stored, seed: 3 })).toEqual({
      field: 'seed',
      stored: undefined,
      given: 3,
    });
  });

  it('tells null from a missing value and from an object', () => {
    expect(firstDifference({ a: null }, { a: {} })?.field).toBe('a');
    expect(firstDifference({ a: [] }, { a: {} })?.field).toBe('a');
  });
});
