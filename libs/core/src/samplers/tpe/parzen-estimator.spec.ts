import { categoricalDistribution, floatDistribution, intDistribution } from '../../distributions';
import { Xoshiro128 } from '../../random/rng';
import { axisOf } from './axis';
import { ParzenEstimator, type ParzenEstimatorOptions } from './parzen-estimator';

const OPTUNA: ParzenEstimatorOptions = {
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
};

const f64 = (...v: number[]) => Float64Array.from(v);

describe('ParzenEstimator (hand-computed cases)', () => {
  // Observations 2, 8, 9 on [0, 10]. Sorted with the prior's centre 5: 2 | 5 | 8 | 9, padded by 0 and 10.
  //   σ(2) = 5 - 2 = 3     (first in the sequence, no endpoints: its inner gap)
  //   σ(8) = max(8 - 5, 9 - 8) = 3
  //   σ(9) = 9 - 8 = 1     (last: its inner gap), clipped up to 10 / min(100, 3 + 2) = 2
  //   prior: μ = 5, σ = 10; weights 1, 1, 1 and the prior's 1, normalised to 1/4 each.
  const axis = axisOf(floatDistribution(0, 10));
  const pe = new ParzenEstimator([axis], [f64(2, 8, 9)], [1, 1, 1], OPTUNA);

  it('places the kernels at the observations and the prior at the centre', () => {
    expect(Array.from(pe.mus(0))).toEqual([2, 8, 9, 5]);
    expect(Array.from(pe.weights())).toEqual([0.25, 0.25, 0.25, 0.25].map((w) => expect.closeTo(w, 15)));
  });

  it('takes each bandwidth from the neighbour gaps, with the magic clip', () => {
    expect(Array.from(pe.sigmas(0))).toEqual([3, 3, 2, 10]);
  });

  it('lets the outer kernels reach the bounds with considerEndpoints, and skips the floor without the clip', () => {
    const ends = new ParzenEstimator([axis], [f64(2, 8, 9)], [1, 1, 1], {
      ...OPTUNA,
      considerEndpoints: true,
    });
    // σ(2) = max(2 - 0, 5 - 2) = 3, σ(9) = max(9 - 8, 10 - 9) = 1 → clipped to 2.
    expect(Array.from(ends.sigmas(0))).toEqual([3, 3, 2, 10]);
    const noClip = new ParzenEstimator([axis], [f64(2, 8, 9)], [1, 1, 1], {
      ...OPTUNA,
      considerMagicClip: false,
    });
    expect(Array.from(noClip.sigmas(0))).toEqual([3, 3, 1, 10]);
  });

  it('gives the same bandwidths whatever the order of the observations', () => {
    const shuffled = new ParzenEstimator([axis], [f64(9, 2, 8)], [1, 1, 1], OPTUNA);
    expect(Array.from(shuffled.sigmas(0))).toEqual([2, 3, 3, 10]);
  });

  it('uses σ = 0.2 n^(-1/(D+4)) range for every kernel in multivariate mode', () => {
    const mv = new ParzenEstimator([axis], [f64(2, 8, 9)], [1, 1, 1], {
      ...OPTUNA,
      multivariate: true,
      considerMagicClip: false,
    });
    const s = 0.2 * 3 ** (-1 / 5) * 10; // 1.6054...
    expect(Array.from(mv.sigmas(0))).toEqual([s, s, s, 10]);
  });

  it('normalises the weights it is given, the prior counting priorWeight', () => {
    const w = new ParzenEstimator([axis], [f64(2, 8)], [1, 3], { ...OPTUNA, priorWeight: 4 });
    expect(Array.from(w.weights())).toEqual([0.125, 0.375, 0.5].map((x) => expect.closeTo(x, 15)));
  });

  it('computes log p(x) of the truncated mixture', () => {
    // Σ_k 1/4 · φ((x - μ_k)/σ_k) / (σ_k (Φ((10 - μ_k)/σ_k) - Φ(-μ_k/σ_k))), by scipy.stats.truncnorm.
    const logp = pe.logPdf([[5, 0.5, 9.9]]);
    expect(logp[0]).toBeCloseTo(-2.4075622850633107, 12);
    expect(logp[1]).toBeCloseTo(-2.733961369495669, 12);
    expect(logp[2]).toBeCloseTo(-2.069496495577122, 12);
  });

  it('gives an int value the mass of its bin [v - 1/2, v + 1/2]', () => {
    // int 1..5 → model range [0.5, 5.5]; observations 2 and 4, the prior at 3: σ = 1, 1 → clip 5/4.
    const ints = new ParzenEstimator([axisOf(intDistribution(1, 5))], [f64(2, 4)], [1, 1], OPTUNA);
    expect(Array.from(ints.sigmas(0))).toEqual([1.25, 1.25, 5]);
    const logp = ints.logPdf([[1, 2, 3, 4, 5]]);
    const expected = [
      -1.8429113391111636, -1.5128858873391207, -1.4157569750924122, -1.5128858873391209, -1.8429113391111633,
    ];
    expected.forEach((v, i) => expect(logp[i]).toBeCloseTo(v, 12));
    // The bins partition the range: the masses sum to 1.
    expect(Array.from(logp).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 12);
  });

  it('puts a + 1 on the observed choice and a = priorWeight / (n + 1) everywhere (categorical)', () => {
    // Observations 0, 2, 2 of 3 choices: a = 1/4, each row (a + δ) / (1 + 3a): 5/7 on its choice, 1/7 elsewhere;
    // the prior row is uniform. p(2) = 1/4 (1/7 + 5/7 + 5/7 + 1/3) = 10/21.
    const cat = new ParzenEstimator(
      [axisOf(categoricalDistribution(['a', 'b', 'c']))],
      [f64(0, 2, 2)],
      [1, 1, 1],
      OPTUNA,
    );
    const logp = cat.logPdf([[2, 1]]);
    expect(logp[0]).toBeCloseTo(Math.log(10 / 21), 14);
    // p(1) = 1/4 (1/7 + 1/7 + 1/7 + 1/3) = 4/21.
    expect(logp[1]).toBeCloseTo(Math.log(4 / 21), 14);
  });

  it('is the prior alone without observations', () => {
    const empty = new ParzenEstimator([axis], [f64()], [], OPTUNA);
    expect(Array.from(empty.mus(0))).toEqual([5]);
    expect(Array.from(empty.sigmas(0))).toEqual([10]);
    expect(Array.from(empty.weights())).toEqual([1]);
  });
});

describe('ParzenEstimator on one axis with many kernels', () => {
  // Sorted centres are looked up by window and repeated ones merged; in any other order every kernel
  // is summed. Both give the density to the 1e-7 the cut promises.
  it.each([
    ['float', floatDistribution(-5, 5)],
    ['log float', floatDistribution(1e-3, 1e3, { log: true })],
    ['int', intDistribution(1, 40)],
    ['log int', intDistribution(8, 1024, { log: true })],
  ] as const)('%s', (_, d) => {
    const rng = new Xoshiro128(7);
    const axis = axisOf(d);
    const n = 400;
    // Clustered values, so that the bandwidths vary and some kernels are wide.
    const values = Array.from({ length: n }, (_, i) => {
      const u = i < 300 ? 0.4 + 0.05 * rng.normal() : rng.random();
      const v = d.log
        ? Math.exp(Math.log(d.low) + Math.min(1, Math.max(0, u)) * Math.log(d.high / d.low))
        : d.low + Math.min(1, Math.max(0, u)) * (d.high - d.low);
      return d.type === 'int' ? Math.min(d.high, Math.max(d.low, Math.round(v))) : v;
    });
    // Ints repeat: which of equal centres gets which gap is arbitrary, so they weigh the same there.
    const weights = values.map(() => (d.type === 'int' ? 1 : 0.5 + rng.random()));
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
    const shuffled = values.map((_, i) => i).sort(() => rng.random() - 0.5);
    const toModel = (v: number) => (d.log ? Math.log(v) : v);
    const model = (idx: number[]) =>
      new ParzenEstimator(
        [axis],
        [Float64Array.from(idx, (i) => toModel(values[i]))],
        idx.map((i) => weights[i]),
        OPTUNA,
      );
    const sorted = model(order);
    const any = model(shuffled);
    const xs = sorted.sample(rng, 200);
    const a = sorted.logPdf(xs);
    const b = any.logPdf(xs);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-7);
  });
});

describe('ParzenEstimator sampling', () => {
  it('draws values inside the range, on the grid, with the mixture density', () => {
    const rng = new Xoshiro128(3);
    const axes = [axisOf(floatDistribution(-5, 5)), axisOf(intDistribution(8, 1024, { log: true }))];
    const pe = new ParzenEstimator(axes, [f64(-4.9, 1, 1.2, 3), f64(2.5, 3, 5, 6.5)], [1, 1, 1, 1], OPTUNA);
    const [x, y] = pe.sample(rng, 20000);
    const outside = Array.from(x).filter((v) => !(v >= -5 && v <= 5));
    const offGrid = Array.from(y).filter((v) => !(Number.isInteger(v) && v >= 8 && v <= 1024));
    expect(outside).toEqual([]);
    expect(offGrid).toEqual([]);
    // Share of x in [0, 2]: ∫ p over [0, 2] by the midpoint rule, against the empirical share.
    let mass = 0;
    const grid = 400;
    const dx = 2 / grid;
    const xs = Array.from({ length: grid }, (_, i) => (i + 0.5) * dx);
    const single = new ParzenEstimator([axes[0]], [f64(-4.9, 1, 1.2, 3)], [1, 1, 1, 1], OPTUNA);
    for (const v of single.logPdf([xs])) mass += Math.exp(v) * dx;
    const share = Array.from(x).filter((v) => v >= 0 && v <= 2).length / x.length;
    expect(Math.abs(share - mass)).toBeLessThan(4 * Math.sqrt((mass * (1 - mass)) / x.length));
  });

  it('checks its inputs', () => {
    const axis = axisOf(floatDistribution(0, 1));
    expect(() => new ParzenEstimator([axis], [f64(0.5)], [1, 2], OPTUNA)).toThrow(
      '1 observations but 2 weights',
    );
    expect(() => new ParzenEstimator([axis], [], [], OPTUNA)).toThrow('1 axes but 0 observation columns');
    expect(() => new ParzenEstimator([axis], [f64(0.5)], [0], { ...OPTUNA, priorWeight: 0 })).toThrow(
      'positive finite sum',
    );
  });
});
