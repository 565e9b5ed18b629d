import { fitYeoJohnson } from '../../math/fit-yeo-johnson';
import { yeoJohnson } from '../../math/yeo-johnson';
import { warpObjectiveValues } from './warp-objective-values';

describe('warpObjectiveValues', () => {
  it('standardizes, applies the fitted Yeo–Johnson transform and negates (minimize)', () => {
    const values = [3, 0.5, 120, 7, 1, 40, 2, 0.1];
    const mean = values.reduce((a, b) => a + b) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    const z = values.map((v) => (v - mean) / std);
    const lambda = fitYeoJohnson(z);
    expect(lambda).toBeLessThan(1); // a long tail of bad values gets compressed
    const warped = warpObjectiveValues(values, 'minimize');
    warped.forEach((w, i) => expect(w).toBeCloseTo(-yeoJohnson(z[i], lambda), 12));
  });

  it('keeps the order (larger is better), for both directions', () => {
    const values = [5, -2, 30, 0, 1e4, 2.5];
    const down = warpObjectiveValues(values, 'minimize');
    const up = warpObjectiveValues(values, 'maximize');
    const order = (w: Float64Array) => Array.from(w.keys()).sort((a, b) => w[b] - w[a]);
    expect(order(down)).toEqual([1, 3, 5, 0, 2, 4]);
    expect(order(up)).toEqual([4, 2, 0, 5, 3, 1]);
  });

  it('spreads the good end of a long-tailed objective more than standardizing alone would', () => {
    // Near-optimal values 0.1 … 0.4 among corner values in the thousands (Rosenbrock-like).
    const values = [0.1, 0.2, 0.3, 0.4, 50, 300, 2000, 9000];
    const warped = warpObjectiveValues(values, 'minimize');
    const mean = values.reduce((a, b) => a + b) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    const plainGap = (0.4 - 0.1) / std; // in units of the spread of the values
    const wMean = warped.reduce((a, b) => a + b) / warped.length;
    const wStd = Math.sqrt(warped.reduce((a, b) => a + (b - wMean) ** 2, 0) / warped.length);
    expect((warped[0] - warped[3]) / wStd).toBeGreaterThan(5 * plainGap);
  });

  it('clips infinite values to the finite extremes and leaves constant values at 0', () => {
    const warped = warpObjectiveValues([1, Infinity, 3, -Infinity, 2], 'minimize');
    expect(warped[1]).toBe(warped[2]); // +∞ is as bad as the worst finite value
    expect(warped[3]).toBe(warped[0]); // −∞ as good as the best
    expect(Array.from(warpObjectiveValues([4, 4, 4], 'maximize'))).toEqual([0, 0, 0]);
    expect(Array.from(warpObjectiveValues([Infinity, NaN], 'minimize'))).toEqual([0, 0]);
  });
});
