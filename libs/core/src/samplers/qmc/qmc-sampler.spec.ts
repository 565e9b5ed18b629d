import { floatDistribution } from '../../distributions';
import { InvalidArgumentError } from '../../errors';
import { InMemoryStorage } from '../../storage/in-memory-storage';
import { createStudy, loadStudy } from '../../study/study';
import type { Trial } from '../../trial/trial';
import { QmcSampler, QMC_SEED_ATTR, type QmcSamplerOptions } from './qmc-sampler';
import { SobolSequence } from './sobol';

function suggestAll(t: Trial) {
  return {
    x: t.suggestFloat('x', -5, 5),
    lr: t.suggestFloat('lr', 1e-5, 1e-1, { log: true }),
    n: t.suggestInt('n', 1, 8),
    s: t.suggestFloat('s', 0, 1, { step: 0.25 }),
    c: t.suggestCategorical('c', ['a', 'b', 'c', 'd']),
  };
}

async function run(options: QmcSamplerOptions, n: number, storage = new InMemoryStorage()) {
  const study = await createStudy({ sampler: new QmcSampler(options), storage });
  const params = [];
  for (let i = 0; i < n; i++) {
    const t = await study.ask();
    params.push(suggestAll(t));
    await study.tell(t, 0);
  }
  return { study, params };
}

describe('QmcSampler', () => {
  it('gives trial n point n of the plain Sobol sequence, parameter k taking coordinate k', async () => {
    const { params } = await run({ scramble: false }, 8);
    const seq = new SobolSequence(null);
    params.forEach((p, n) => {
      expect(p.x).toBe(-5 + 10 * seq.coordinate(n, 0));
      expect(p.lr).toBeCloseTo(10 ** (-5 + 4 * seq.coordinate(n, 1)), 12);
      expect(p.n).toBe(1 + Math.floor(8 * seq.coordinate(n, 2)));
      expect(p.s).toBe(0.25 * Math.floor(5 * seq.coordinate(n, 3)));
      expect(p.c).toBe('abcd'[Math.floor(4 * seq.coordinate(n, 4))]);
    });
    // Point 0 of the plain sequence is the lower corner.
    expect(params[0]).toEqual({ x: -5, lr: 1e-5, n: 1, s: 0, c: 'a' });
  });

  it('fills the space evenly: over 8 trials each int value, each eighth of a float and each choice come up equally', async () => {
    const { params } = await run({ seed: 3 }, 8);
    expect(params.map((p) => p.n).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(params.map((p) => Math.floor((p.x + 5) / 1.25)).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(params.map((p) => Math.floor(Math.log10(p.lr) + 5)).sort()).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(params.map((p) => p.c).sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd']);
    for (const p of params) {
      expect(p.x).toBeGreaterThanOrEqual(-5);
      expect(p.x).toBeLessThan(5);
      expect([0, 0.25, 0.5, 0.75, 1]).toContain(p.s);
    }
  });

  it('is reproducible for a seed and differs across seeds and sequences', async () => {
    const a = (await run({ seed: 42 }, 10)).params;
    expect((await run({ seed: 42 }, 10)).params).toEqual(a);
    expect((await run({ seed: 43 }, 10)).params).not.toEqual(a);
    expect((await run({ seed: 42, qmcType: 'halton' }, 10)).params).not.toEqual(a);
  });

  it('freezes the first trials of seed 42', async () => {
    const { params } = await run({ seed: 42 }, 3);
    expect(params).toEqual([
      { x: -3.7259393860585988, lr: 0.059369781258821926, n: 3, s: 0.25, c: 'a' },
      { x: 3.501477751415223, lr: 0.00003465915611179081, n: 6, s: 0.5, c: 'd' },
      { x: 2.4217230174690485, lr: 0.007759870672918668, n: 2, s: 0, c: 'c' },
    ]);
  });

  it('walks one sequence across processes: unseeded samplers adopt the seed recorded on the study', async () => {
    const storage = new InMemoryStorage();
    const { study } = await run({}, 4, storage);
    const other = await loadStudy({ studyName: study.studyName, storage, sampler: new QmcSampler() });
    for (let i = 0; i < 4; i++) {
      const t = await other.ask();
      t.suggestFloat('x', -5, 5);
      await other.tell(t, 0);
    }
    const trials = await other.getTrials();
    const seeds = new Set(trials.map((t) => t.systemAttrs[QMC_SEED_ATTR]));
    expect(seeds.size).toBe(1);
    // Together the eight trials are the first 8 points: one x in each eighth.
    expect(trials.map((t) => Math.floor(((t.params.x as number) + 5) / 1.25)).sort()).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
  });

  it('samples nothing jointly, so an ask-time space is filled through sampleIndependent', async () => {
    const study = await createStudy({ sampler: new QmcSampler({ seed: 1 }) });
    const t = await study.ask({ a: floatDistribution(0, 1), b: floatDistribution(0, 1) });
    expect(Object.keys(t.paramsSoFar)).toEqual(['a', 'b']);
  });

  it('checks its options once, with errors that name them', () => {
    const bad: [QmcSamplerOptions, string][] = [
      [{ seed: Infinity }, 'seed must be a finite number'],
      [{ scramble: 1 as unknown as boolean }, 'scramble must be a boolean'],
      [{ qmcType: 'lattice' as 'sobol' }, `qmcType must be 'sobol' or 'halton', got "lattice"`],
    ];
    for (const [options, message] of bad) {
      expect(() => new QmcSampler(options)).toThrow(InvalidArgumentError);
      expect(() => new QmcSampler(options)).toThrow(message);
    }
  });
});
