import { Xoshiro128 } from '../../random/rng';
import { Cma, type CmaSolution } from './cma';
import { DiscreteAxis, type DiscreteAxisSpec } from './discrete-axis';

/** f(x) = (x1 − 1)² + (x2 − 0.5)² on the four unit vectors, best first: e1, e2, −e2, −e1. */
const UNIT_SOLUTIONS: CmaSolution[] = [
  { x: [0, -1], value: 3.25 },
  { x: [1, 0], value: 0.25 },
  { x: [-1, 0], value: 4.25 },
  { x: [0, 1], value: 1.25 },
];

describe('Cma', () => {
  it('uses the default population 4 + ⌊3 ln n⌋ (eq. 48)', () => {
    expect(new Cma({ mean: [0, 0], sigma: 1 }).popsize).toBe(6);
    expect(new Cma({ mean: new Array(5).fill(0), sigma: 1 }).popsize).toBe(8);
    expect(new Cma({ mean: new Array(10).fill(0), sigma: 1 }).popsize).toBe(10);
  });

  it('makes the first update of the tutorial by hand on a quadratic (n = 2, λ = 4, m = 0, σ = 1, C = I)', () => {
    const cma = new Cma({ mean: [0, 0], sigma: 1, popsize: 4 });
    cma.tell(UNIT_SOLUTIONS);

    // eq. 49–53: w'_i = ln(5/2) − ln i; μ = 2 positive weights summing to 1, negative ones scaled by α.
    const wp = [1, 2, 3, 4].map((i) => Math.log(2.5) - Math.log(i));
    const muEff = (wp[0] + wp[1]) ** 2 / (wp[0] ** 2 + wp[1] ** 2);
    const muEffMinus = (wp[2] + wp[3]) ** 2 / (wp[2] ** 2 + wp[3] ** 2);
    const n = 2;
    const c1 = 2 / ((n + 1.3) ** 2 + muEff);
    const cmu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff));
    const alpha = Math.min(1 + c1 / cmu, 1 + (2 * muEffMinus) / (muEff + 2), (1 - c1 - cmu) / (n * cmu));
    const w = [
      wp[0] / (wp[0] + wp[1]),
      wp[1] / (wp[0] + wp[1]),
      (alpha * wp[2]) / -(wp[2] + wp[3]),
      (alpha * wp[3]) / -(wp[2] + wp[3]),
    ];
    const cSigma = (muEff + 2) / (n + muEff + 5);
    const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
    const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
    const chiN = Math.sqrt(2) * (1 - 1 / 8 + 1 / 84);

    // eq. 41–42: the new mean is the weighted mean of the best two, w1 e1 + w2 e2.
    expect(w[0]).toBeCloseTo(0.80416286, 8); // ln 2.5 / ln 3.125
    expect(Array.from(cma.meanVector)).toEqual([expect.closeTo(w[0], 15), expect.closeTo(w[1], 15)]);

    // eq. 43–44 with C = I: p_σ = √(c_σ(2 − c_σ)μ_eff) ⟨y⟩_w, σ = exp((c_σ/d_σ)(‖p_σ‖/E‖N(0,I)‖ − 1)).
    const ps = Math.sqrt(cSigma * (2 - cSigma) * muEff);
    const normPs = ps * Math.hypot(w[0], w[1]);
    expect(cma.stepSize).toBeCloseTo(Math.exp((cSigma / dSigma) * (normPs / chiN - 1)), 15);

    // eq. 45–47: h_σ = 1 here; the four y are ±unit vectors, so ‖C^(−1/2) y‖² = 1 and w° = 2 w for the
    // negative weights; rank-μ is diagonal: e1 e1ᵀ (w1°, w4°) and e2 e2ᵀ (w2°, w3°).
    const hSigma = normPs / Math.sqrt(1 - (1 - cSigma) ** 4) < (1.4 + 2 / 3) * chiN ? 1 : 0;
    expect(hSigma).toBe(1);
    const pc = [0, 1].map((i) => Math.sqrt(cc * (2 - cc) * muEff) * w[i]);
    const wo = [w[0], w[1], (w[2] * 2) / (1 + 1e-8), (w[3] * 2) / (1 + 1e-8)];
    const decay = 1 - c1 - cmu * (w[0] + w[1] + w[2] + w[3]);
    const C = cma.covariance;
    expect(C[0]).toBeCloseTo(decay + c1 * pc[0] * pc[0] + cmu * (wo[0] + wo[3]), 14);
    expect(C[3]).toBeCloseTo(decay + c1 * pc[1] * pc[1] + cmu * (wo[1] + wo[2]), 14);
    expect(C[1]).toBeCloseTo(c1 * pc[0] * pc[1], 15);
    expect(C[2]).toBe(C[1]);
    expect(cma.generation).toBe(1);
  });

  it('sep-CMA: the same update on the diagonal, with positive weights on the best μ only', () => {
    const cma = new Cma({ mean: [0, 0], sigma: 1, popsize: 4, separable: true });
    cma.tell(UNIT_SOLUTIONS);
    // w'_i = ln(μ + 1) − ln i for i ≤ μ = 2, normalized.
    const w1 = Math.log(3) / (Math.log(3) + Math.log(1.5));
    expect(Array.from(cma.meanVector)).toEqual([expect.closeTo(w1, 15), expect.closeTo(1 - w1, 15)]);
    const C = cma.covariance;
    expect(C[1]).toBe(0);
    expect(C[2]).toBe(0);
    expect(C[0]).toBeGreaterThan(C[3]);
  });

  it('converges on a shifted ellipsoid, and so does sep-CMA', () => {
    for (const separable of [false, true]) {
      const rng = new Xoshiro128(3);
      const cma = new Cma({ mean: [0, 0, 0, 0], sigma: 0.5, separable });
      const f = (x: ArrayLike<number>) => Array.from(x).reduce((s, v, i) => s + 10 ** i * (v - 0.3) ** 2, 0);
      for (let g = 0; g < 250; g++) {
        cma.tell(
          Array.from({ length: cma.popsize }, () => {
            const { x } = cma.ask(rng);
            return { x, value: f(x) };
          }),
        );
      }
      expect(f(cma.meanVector)).toBeLessThan(1e-12);
    }
  });

  it('keeps every sample in the box: out-of-box draws are redrawn, and clipped when they keep failing', () => {
    const rng = new Xoshiro128(8);
    for (const nMaxResampling of [20, 0]) {
      const cma = new Cma({ mean: [0.95, 0.05], sigma: 0.5, lower: [0, 0], upper: [1, 1], nMaxResampling });
      let onBound = 0;
      for (let i = 0; i < 300; i++) {
        const { x } = cma.ask(rng);
        for (const v of x) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
          if (v === 0 || v === 1) onBound++;
        }
      }
      if (nMaxResampling === 0) expect(onBound).toBeGreaterThan(100);
      else expect(onBound).toBeLessThan(300);
    }
  });

  it('with the integer margin, an int coordinate keeps moving after σ collapses and reaches its optimum', () => {
    // f = |x − (0.3, 0.6)|² + 1e-6 |k − 8|: the int k only matters once x has converged, when plain
    // CMA-ES has σ far below one cell and k is frozen wherever it was.
    const spec: DiscreteAxisSpec = { low: 0, step: 1, count: 11, log: false };
    const axis = new DiscreteAxis(spec);
    const run = (margin: boolean, seed: number) => {
      const rng = new Xoshiro128(seed);
      const cma = new Cma({
        mean: [0.5, 0.5, axis.value(2)],
        sigma: 1 / 6,
        lower: [0, 0, margin ? null : 0],
        upper: [1, 1, margin ? null : 1],
        discrete: margin ? [null, null, spec] : undefined,
        popsize: 8,
      });
      const late = new Set<number>();
      let best = { value: Infinity, k: -1 };
      for (let g = 0; g < 150; g++) {
        const solutions = Array.from({ length: 8 }, () => {
          const { x, encoded } = cma.ask(rng);
          const k = axis.position(encoded[2]);
          if (g >= 130) late.add(k);
          const value = (encoded[0] - 0.3) ** 2 + (encoded[1] - 0.6) ** 2 + 1e-6 * Math.abs(k - 8);
          if (value < best.value) best = { value, k };
          return { x, value };
        });
        cma.tell(solutions);
      }
      return { late: late.size, k: best.k };
    };
    const seeds = [0, 1, 3, 4];
    for (const seed of seeds) {
      const withMargin = run(true, seed);
      expect(withMargin.k).toBe(8);
      expect(withMargin.late).toBeGreaterThan(1);
      const plain = run(false, seed);
      expect(plain.late).toBe(1);
      expect(plain.k).not.toBe(8);
    }
  });

  it('encodes discrete coordinates onto their values and leaves continuous ones alone', () => {
    const spec: DiscreteAxisSpec = { low: 1, step: 1, count: 4, log: false };
    const axis = new DiscreteAxis(spec);
    const cma = new Cma({
      mean: [0.5, 0.5],
      sigma: 0.2,
      discrete: [null, spec],
      lower: [0, null],
      upper: [1, null],
    });
    const encoded = cma.encode([0.123, 0.3]);
    expect(encoded[0]).toBe(0.123);
    expect(encoded[1]).toBe(axis.value(1));
    expect(cma.encode([0.5, -7])[1]).toBe(axis.value(0));
    expect(cma.encode([0.5, 9])[1]).toBe(axis.value(3));
  });

  it('round-trips its whole state through JSON: the restored copy samples and updates identically', () => {
    const spec: DiscreteAxisSpec = { low: 8, step: 1, count: 100, log: true };
    const make = () =>
      new Cma({
        mean: [0.2, 0.7, 0.5],
        sigma: 0.3,
        lower: [0, 0, null],
        upper: [1, 1, null],
        discrete: [null, null, spec],
      });
    const f = (x: ArrayLike<number>) => (x[0] - 0.4) ** 2 + (x[1] - 0.1) ** 2 + (x[2] - 0.2) ** 2;
    const a = make();
    const rng = new Xoshiro128(5);
    for (let g = 0; g < 4; g++) {
      a.tell(
        Array.from({ length: a.popsize }, () => {
          const s = a.ask(rng);
          return { x: s.x, value: f(s.encoded) };
        }),
      );
    }
    const b = Cma.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(b.toJSON()).toEqual(a.toJSON());
    const ra = new Xoshiro128(9);
    const rb = new Xoshiro128(9);
    const solutions: CmaSolution[] = [];
    for (let i = 0; i < a.popsize; i++) {
      const sa = a.ask(ra);
      const sb = b.ask(rb);
      expect(Array.from(sb.x)).toEqual(Array.from(sa.x));
      expect(Array.from(sb.encoded)).toEqual(Array.from(sa.encoded));
      solutions.push({ x: sa.x, value: f(sa.encoded) });
    }
    a.tell(solutions);
    b.tell(solutions);
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('restores a state whose mean lies outside the box (the box bounds samples, not the mean)', () => {
    const state = new Cma({ mean: [0.5, 0.5], sigma: 0.3, lower: [0, 0], upper: [1, 1] }).toJSON();
    const restored = Cma.fromJSON({ ...state, mean: [-0.25, 0.5] });
    expect(Array.from(restored.meanVector)).toEqual([-0.25, 0.5]);
    const x = restored.ask(new Xoshiro128(1)).x;
    expect(x[0]).toBeGreaterThanOrEqual(0);
  });

  it('refuses a state that is not one, naming what is wrong', () => {
    expect(() => Cma.fromJSON(null)).toThrow('not a CMA-ES state');
    const state = new Cma({ mean: [0, 0], sigma: 1 }).toJSON();
    expect(() => Cma.fromJSON({ ...state, cov: [1, 0] })).toThrow('state.cov must have 3 entries, got 2');
    expect(() => Cma.fromJSON({ ...state, mean: [0, 'x'] })).toThrow('state.mean[1] must be a finite number');
    expect(() => Cma.fromJSON({ ...state, generation: -1 })).toThrow('bad generation -1');
  });

  it('says it should stop once the values stop changing (a flat function)', () => {
    const rng = new Xoshiro128(1);
    const cma = new Cma({ mean: [0, 0], sigma: 1 });
    // funhist spans 10 + ⌈30 n / λ⌉ = 20 generations for n = 2, λ = 6.
    let generations = 0;
    while (!cma.shouldStop()) {
      cma.tell(Array.from({ length: cma.popsize }, () => ({ x: cma.ask(rng).x, value: 1 })));
      generations++;
    }
    expect(generations).toBe(21);
  });

  it('checks its options once, with errors that name them', () => {
    expect(() => new Cma({ mean: [], sigma: 1 })).toThrow('mean must be a non-empty array');
    expect(() => new Cma({ mean: [0], sigma: 0 })).toThrow('sigma must be a finite number > 0, got 0');
    expect(() => new Cma({ mean: [0], sigma: 1, popsize: 1 })).toThrow(
      'popsize must be an integer >= 2, got 1',
    );
    expect(() => new Cma({ mean: [2], sigma: 1, lower: [0], upper: [1] })).toThrow(
      'mean[0] = 2 is outside [0, 1]',
    );
    expect(() => new Cma({ mean: [0], sigma: 1, margin: 0.7 })).toThrow(
      'margin must be in (0, 0.5), got 0.7',
    );
    const cma = new Cma({ mean: [0, 0], sigma: 1 });
    expect(() => cma.tell(UNIT_SOLUTIONS.slice(0, 1))).toThrow('tell needs at least 2 solutions, got 1');
  });

  it("tells a generation of another size λ' as a population of λ' (its weights and learning rates)", () => {
    // Seven samples told to a Cma of λ = 4 update it as a Cma of λ = 7 would; so do three (λ' < λ).
    const rng = new Xoshiro128(3);
    for (const size of [7, 3]) {
      const solutions = Array.from({ length: size }, () => {
        const x = [rng.normal(), rng.normal()];
        return { x, value: (x[0] - 1) ** 2 + x[1] ** 2 };
      });
      const told = new Cma({ mean: [0, 0], sigma: 1, popsize: 4 });
      const same = new Cma({ mean: [0, 0], sigma: 1, popsize: size });
      told.tell(solutions);
      same.tell(solutions);
      expect(told.meanVector).toEqual(same.meanVector);
      expect(told.stepSize).toBe(same.stepSize);
      expect(told.covariance).toEqual(same.covariance);
      // The population stays λ = 4 (the stall history and the margin keep its span).
      expect(told.popsize).toBe(4);
      expect(Cma.fromJSON(told.toJSON()).meanVector).toEqual(told.meanVector);
    }
  });
});
