/* eslint-disable no-loss-of-precision -- reference values are quoted with all the digits their source printed */
import { erfcx } from './erfcx';

describe('erfcx', () => {
  // Reference values e^(x²) erfc(x) computed with 50-digit arithmetic (mpmath).
  const reference: Array<[number, number]> = [
    [0, 1],
    [0.5, 0.61569034419292587487],
    [1.5, 0.32158541645431750235],
    [2, 0.25539567631050574387],
    [3, 0.17900115118138995042],
    [10, 0.056140992743822585858],
    [-1, 5.0089800807622834663],
    [-5, 144009798674.66104041],
  ];

  it.each(reference)('erfcx(%p) matches 50-digit arithmetic to 1e-13 relative', (x, expected) => {
    expect(Math.abs(erfcx(x) - expected) / expected).toBeLessThan(1e-13);
  });

  it('joins the series and the continued fraction smoothly at x = 2', () => {
    const below = erfcx(2 - 1e-12);
    const above = erfcx(2 + 1e-12);
    expect(Math.abs(below - above) / above).toBeLessThan(1e-12);
  });

  it('follows 1/(x√π) far in the tail, where erfc underflows', () => {
    expect(erfcx(1e5)).toBeCloseTo(1 / (1e5 * Math.sqrt(Math.PI)), 15);
    expect(erfcx(1e10) * 1e10 * Math.sqrt(Math.PI)).toBeCloseTo(1, 15);
    expect(erfcx(30)).toBeGreaterThan(0);
  });

  it('overflows to +Infinity far on the left and keeps NaN', () => {
    expect(erfcx(-27)).toBe(Infinity);
    expect(erfcx(NaN)).toBeNaN();
  });
});
