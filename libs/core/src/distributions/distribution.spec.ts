import { InvalidDistributionError } from '../errors';
import {
  categoricalDistribution,
  contains,
  describe as describeDistribution,
  distributionFromJson,
  distributionsEqual,
  floatDistribution,
  intDistribution,
  isSingle,
  snapToGrid,
  toExternal,
  toInternal,
} from './distribution';

describe('distribution validation', () => {
  it.each([
    ['low > high', () => floatDistribution(2, 1), /low must be <= high, got low=2 > high=1/],
    ['log with low <= 0', () => floatDistribution(0, 1, { log: true }), /log requires low > 0, got low=0/],
    [
      'log with step',
      () => floatDistribution(1, 10, { log: true, step: 1 }),
      /log and step cannot be used together/,
    ],
    [
      'range not a multiple of step',
      () => floatDistribution(0, 1, { step: 0.3 }),
      /not a multiple of step=0.3/,
    ],
    ['non-positive step', () => floatDistribution(0, 1, { step: 0 }), /step must be > 0/],
    ['non-finite bound', () => floatDistribution(0, Infinity), /float high must be a finite number/],
    ['int low > high', () => intDistribution(5, 1), /int: low must be <= high/],
    ['int log with low < 1', () => intDistribution(0, 10, { log: true }), /int: log requires low >= 1/],
    [
      'int log with step',
      () => intDistribution(1, 9, { log: true, step: 2 }),
      /log and step cannot be used together/,
    ],
    [
      'int range not a multiple of step',
      () => intDistribution(0, 10, { step: 3 }),
      /not a multiple of step=3/,
    ],
    ['int non-integer bound', () => intDistribution(0.5, 3), /must be integers/],
    ['empty choices', () => categoricalDistribution([]), /choices must be a non-empty array/],
    ['duplicate choices', () => categoricalDistribution(['a', 'a']), /choices must be distinct/],
    [
      'object choice',
      () => categoricalDistribution([{} as never]),
      /choices must be strings, finite numbers/,
    ],
  ])('%s is refused with a clear message', (_name, build, message) => {
    expect(build).toThrow(InvalidDistributionError);
    expect(build).toThrow(message);
  });

  it('accepts the valid forms', () => {
    expect(floatDistribution(1e-5, 1e-1, { log: true })).toEqual({
      type: 'float',
      low: 1e-5,
      high: 1e-1,
      log: true,
      step: null,
    });
    expect(floatDistribution(0, 1, { step: 0.1 }).step).toBe(0.1);
    expect(intDistribution(8, 1024, { log: true })).toEqual({
      type: 'int',
      low: 8,
      high: 1024,
      log: true,
      step: 1,
    });
    expect(intDistribution(0, 10, { step: 5 }).step).toBe(5);
  });
});

describe('internal representation', () => {
  it('maps a categorical choice to its index and back', () => {
    const d = categoricalDistribution(['a', 1, true, null]);
    expect([toInternal(d, 'a'), toInternal(d, 1), toInternal(d, true), toInternal(d, null)]).toEqual([
      0, 1, 2, 3,
    ]);
    expect([0, 1, 2, 3].map((i) => toExternal(d, i))).toEqual(['a', 1, true, null]);
    expect(() => toInternal(d, 'z')).toThrow(/"z" is not one of the choices/);
  });

  it('keeps floats and rounds ints', () => {
    expect(toExternal(floatDistribution(0, 1), 0.25)).toBe(0.25);
    expect(toExternal(intDistribution(0, 10), 3.6)).toBe(4);
    expect(() => toInternal(floatDistribution(0, 1), 'x')).toThrow(/must be a finite number/);
  });

  it('checks membership on the step grid', () => {
    const d = floatDistribution(0, 1, { step: 0.25 });
    expect(contains(d, 0.75)).toBe(true);
    expect(contains(d, 0.7)).toBe(false);
    expect(contains(d, 1.25)).toBe(false);
    expect(contains(intDistribution(0, 10, { step: 2 }), 4)).toBe(true);
    expect(contains(intDistribution(0, 10, { step: 2 }), 5)).toBe(false);
    expect(contains(categoricalDistribution(['a', 'b']), 2)).toBe(false);
  });

  it('snaps onto the grid inside the bounds', () => {
    expect(snapToGrid(floatDistribution(0, 1, { step: 0.25 }), 0.6)).toBe(0.5);
    expect(snapToGrid(intDistribution(0, 10, { step: 2 }), 11.7)).toBe(10);
    expect(snapToGrid(intDistribution(1, 5), -3)).toBe(1);
  });

  it('knows single-valued distributions', () => {
    expect(isSingle(floatDistribution(1, 1))).toBe(true);
    expect(isSingle(intDistribution(3, 3))).toBe(true);
    expect(isSingle(categoricalDistribution(['only']))).toBe(true);
    expect(isSingle(floatDistribution(0, 1))).toBe(false);
  });

  it('round-trips through JSON and compares by value', () => {
    for (const d of [
      floatDistribution(1e-3, 1, { log: true }),
      intDistribution(0, 10, { step: 2 }),
      categoricalDistribution(['x', null]),
    ]) {
      const back = distributionFromJson(JSON.parse(JSON.stringify(d)));
      expect(distributionsEqual(back, d)).toBe(true);
    }
    expect(distributionsEqual(floatDistribution(0, 1), intDistribution(0, 1))).toBe(false);
    expect(() => distributionFromJson({ type: 'beta' })).toThrow(/unknown distribution type "beta"/);
    expect(describeDistribution(floatDistribution(0.1, 1, { log: true }))).toBe(
      'float(low=0.1, high=1, log)',
    );
  });
});
