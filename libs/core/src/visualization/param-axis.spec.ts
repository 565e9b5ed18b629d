import { categoricalDistribution, floatDistribution, intDistribution } from '../distributions';
import {
  axisAtFraction,
  axisCoordinate,
  axisFraction,
  paramAxis,
  paramNames,
  selectParams,
} from './param-axis';
import { makeTrial } from './testing/make-trial';

describe('paramAxis', () => {
  it('describes a log float with its range', () => {
    const lr = floatDistribution(1e-4, 1e-1, { log: true });
    const axis = paramAxis([makeTrial(0, { params: { lr: 0.01 }, distributions: { lr } })], 'lr');
    expect(axis).toEqual({ name: 'lr', scale: 'log', integer: false, range: [1e-4, 1e-1], categories: null });
    expect(axisFraction(axis, 1e-2)).toBeCloseTo(2 / 3, 12);
    expect(axisAtFraction(axis, 1 / 3)).toBeCloseTo(1e-3, 12);
  });

  it('joins the ranges of changed distributions; log only when all were', () => {
    const trials = [
      makeTrial(0, { params: { n: 3 }, distributions: { n: intDistribution(1, 10, { log: true }) } }),
      makeTrial(1, { params: { n: 20 }, distributions: { n: intDistribution(2, 32) } }),
    ];
    expect(paramAxis(trials, 'n')).toEqual({
      name: 'n',
      scale: 'linear',
      integer: true,
      range: [1, 32],
      categories: null,
    });
  });

  it('maps categorical choices to indices with their labels', () => {
    const d = categoricalDistribution(['relu', 'tanh', null, true]);
    const axis = paramAxis([makeTrial(0, { params: { act: null }, distributions: { act: d } })], 'act');
    expect(axis).toMatchObject({
      scale: 'category',
      range: [0, 3],
      categories: ['relu', 'tanh', 'null', 'true'],
    });
    expect(axisCoordinate(axis, 'tanh')).toBe(1);
    expect(axisCoordinate(axis, null)).toBe(2);
    expect(axisCoordinate(axis, true)).toBe(3);
  });

  it('names the parameters sorted, or only those every trial has', () => {
    const trials = [makeTrial(0, { params: { b: 1, a: 2 } }), makeTrial(1, { params: { b: 1, c: 3 } })];
    expect(paramNames(trials)).toEqual(['a', 'b', 'c']);
    expect(paramNames(trials, true)).toEqual(['b']);
    expect(() => selectParams(trials, ['b', 'zeta'])).toThrow("no trial has the parameter 'zeta'");
  });

  it('refuses a parameter no trial has', () => {
    expect(() => paramAxis([makeTrial(0)], 'x')).toThrow("no trial has the parameter 'x'");
  });

  it('keeps axes of float ranges exact', () => {
    const axis = paramAxis(
      [makeTrial(0, { params: { x: 0 }, distributions: { x: floatDistribution(-2, 2) } })],
      'x',
    );
    expect(axisFraction(axis, 1)).toBe(0.75);
    expect(axisAtFraction(axis, 0.25)).toBe(-1);
  });
});
