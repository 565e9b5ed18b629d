import { categoricalDistribution, floatDistribution, intDistribution } from '../../distributions';
import { axisOf, binOf, fromModel, toModel, type NumericAxis } from './axis';

describe('axis: the model space of a parameter', () => {
  it('keeps a plain float as it is', () => {
    const axis = axisOf(floatDistribution(-5, 5));
    expect(axis).toMatchObject({
      kind: 'numerical',
      low: -5,
      high: 5,
      step: null,
      log: false,
    });
    for (const v of [-5, -1.25, 0, 3.3, 5]) expect(fromModel(axis, toModel(axis, v))).toBe(v);
  });

  it('works on the log of a log float and comes back (within an ulp), clipped to the range', () => {
    const axis = axisOf(floatDistribution(1e-5, 1e-1, { log: true }));
    expect(axis).toMatchObject({ low: Math.log(1e-5), high: Math.log(1e-1) });
    for (const v of [1e-5, 3.1623e-4, 0.05, 0.1]) {
      expect(toModel(axis, v)).toBe(Math.log(v));
      const back = fromModel(axis, toModel(axis, v));
      expect(Math.abs(back - v) / v).toBeLessThan(1e-15);
      expect(back).toBeGreaterThanOrEqual(1e-5);
      expect(back).toBeLessThanOrEqual(1e-1);
    }
    expect(fromModel(axis, Math.log(1e-1) + 1e-9)).toBe(1e-1);
  });

  it('widens an int by half a step and rounds back onto the integers', () => {
    const axis = axisOf(intDistribution(1, 100)) as NumericAxis;
    expect(axis).toMatchObject({ low: 0.5, high: 100.5, step: 1 });
    for (let v = 1; v <= 100; v++) expect(fromModel(axis, toModel(axis, v))).toBe(v);
    expect(fromModel(axis, 41.49)).toBe(41);
    expect(fromModel(axis, 41.51)).toBe(42);
    expect(fromModel(axis, 0.5)).toBe(1);
    expect(fromModel(axis, 100.5)).toBe(100);
    expect(binOf(axis, 42)).toEqual([41.5, 42.5]);
  });

  it('widens a log int by half a unit before the log, so each integer owns [log(v - 1/2), log(v + 1/2)]', () => {
    const axis = axisOf(intDistribution(8, 1024, { log: true })) as NumericAxis;
    expect(axis.low).toBe(Math.log(7.5));
    expect(axis.high).toBe(Math.log(1024.5));
    for (const v of [8, 9, 100, 513, 1024]) expect(fromModel(axis, toModel(axis, v))).toBe(v);
    expect(binOf(axis, 100)).toEqual([Math.log(99.5), Math.log(100.5)]);
    // Any point of a bin maps back to its integer.
    expect(fromModel(axis, Math.log(99.51))).toBe(100);
    expect(fromModel(axis, Math.log(100.49))).toBe(100);
  });

  it('puts a stepped float on its grid low + k step', () => {
    const axis = axisOf(floatDistribution(0, 1, { step: 0.25 })) as NumericAxis;
    expect(axis).toMatchObject({ low: -0.125, high: 1.125, step: 0.25 });
    for (const v of [0, 0.25, 0.5, 0.75, 1]) expect(fromModel(axis, toModel(axis, v))).toBe(v);
    expect(fromModel(axis, 0.6)).toBe(0.5);
    expect(fromModel(axis, 1.1)).toBe(1);
    expect(fromModel(axis, -0.1)).toBe(0);
    const ints = axisOf(intDistribution(0, 20, { step: 5 }));
    expect(fromModel(ints, 12.4)).toBe(10);
    expect(fromModel(ints, 12.6)).toBe(15);
  });

  it('uses the index of a categorical choice', () => {
    const axis = axisOf(categoricalDistribution(['a', 'b', 'c']));
    expect(axis).toMatchObject({ kind: 'categorical', nChoices: 3 });
    expect(toModel(axis, 2)).toBe(2);
    expect(fromModel(axis, 1)).toBe(1);
  });
});
