import { categoricalDistribution, floatDistribution, intDistribution } from '../distributions';
import { makeTrial } from '../visualization/testing/make-trial';
import { commonParams, encodeParam, encodeParams } from './encode-params';

describe('encodeParam', () => {
  it('gives every discrete value an equal share of the axis and encodes log parameters by their log', () => {
    const trials = [
      makeTrial(0, {
        params: { lr: 0.01, units: 8, k: 'b', p: 0.5 },
        distributions: {
          lr: floatDistribution(1e-4, 1, { log: true }),
          units: intDistribution(1, 16, { log: true }),
          k: categoricalDistribution(['a', 'b', 'c']),
          p: floatDistribution(0, 1, { step: 0.25 }),
        },
      }),
    ];
    const lr = encodeParam(trials, 'lr')!;
    expect(lr.bounds.map((b) => b / Math.LN10)).toEqual([expect.closeTo(-4, 12), 0]);
    expect(lr.encode(0.01) / Math.LN10).toBeCloseTo(-2, 12);
    expect(encodeParam(trials, 'units')!.bounds).toEqual([Math.log(0.5), Math.log(16.5)]);
    const k = encodeParam(trials, 'k')!;
    expect(k.bounds).toEqual([-0.5, 2.5]);
    expect(k.encode('c')).toBe(2);
    expect(encodeParam(trials, 'p')!.bounds).toEqual([-0.125, 1.125]);
  });

  it('joins the distributions of a parameter whose range changed, and refuses mixed kinds', () => {
    const trials = [
      makeTrial(0, {
        params: { n: 2, m: 'x' },
        distributions: { n: intDistribution(0, 4), m: categoricalDistribution(['x']) },
      }),
      makeTrial(1, {
        params: { n: 9, m: 3 },
        distributions: { n: intDistribution(2, 10, { step: 2 }), m: intDistribution(0, 5) },
      }),
    ];
    expect(encodeParam(trials, 'n')!.bounds).toEqual([-0.5, 10.5]);
    expect(encodeParam(trials, 'm')).toBeNull();
    expect(commonParams(trials)).toEqual(['n']);
    expect(() => encodeParams(trials, ['m'])).toThrow(
      "parameter 'm' is categorical in some trials and numeric in others",
    );
  });
});
