import { DiscreteAxis } from './discrete-axis';

describe('DiscreteAxis', () => {
  it('gives each value of a linear grid an equal share of [0, 1], with thresholds half-way', () => {
    const axis = new DiscreteAxis({ low: 1, step: 1, count: 4, log: false });
    expect([0, 1, 2, 3].map((i) => axis.value(i))).toEqual([0.125, 0.375, 0.625, 0.875]);
    expect([0, 1, 2].map((i) => axis.threshold(i))).toEqual([0.25, 0.5, 0.75]);
    expect([-3, 0.1, 0.25, 0.2500001, 0.6, 0.99, 7].map((u) => axis.position(u))).toEqual([
      0, 0, 0, 1, 2, 3, 3,
    ]);
    expect(axis.indexOf(3)).toBe(2);
  });

  it('places a log grid on the log scale: log(v) between log(low − 1/2) and log(high + 1/2)', () => {
    const axis = new DiscreteAxis({ low: 1, step: 1, count: 3, log: true });
    const lo = Math.log(0.5);
    const span = Math.log(3.5) - lo;
    expect(axis.value(1)).toBeCloseTo((Math.log(2) - lo) / span, 15);
    expect(axis.threshold(0)).toBeCloseTo((Math.log(1.5) - lo) / span, 15);
    for (let i = 0; i < 3; i++) expect(axis.position(axis.value(i))).toBe(i);
    expect(axis.position(-100)).toBe(0);
    expect(axis.position(100)).toBe(2);
  });

  it('refuses a grid of fewer than two values', () => {
    expect(() => new DiscreteAxis({ low: 0, step: 1, count: 1, log: false })).toThrow('count >= 2');
  });
});
