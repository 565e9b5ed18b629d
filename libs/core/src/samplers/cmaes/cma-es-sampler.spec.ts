import { floatDistribution, intDistribution, type ParamValue } from '../../distributions';
import { InvalidArgumentError } from '../../errors';
import { NopPruner } from '../../pruners/nop-pruner';
import { InMemoryStorage } from '../../storage/in-memory-storage';
import { createStudy, loadStudy, type Study } from '../../study/study';
import type { Trial } from '../../trial/trial';
import { RandomSampler } from '../random/random-sampler';
import { Cma, type CmaState } from './cma';
import { blankTrial, type FrozenTrial } from '../../trial/frozen-trial';
import { trialContext } from '../../trial/trial-context';
import {
  CMA_GENERATION_ATTR,
  CMA_INFLIGHT_ATTR,
  CMA_OPTIMIZER_ATTR,
  CMA_RESTART_ATTR,
  CMA_X_ATTR,
  CmaEsSampler,
  type CmaEsSamplerOptions,
} from './cma-es-sampler';

const XY = { x: floatDistribution(-5, 5), y: floatDistribution(-5, 5) };
const sphere = (p: Readonly<Record<string, ParamValue>>) =>
  Object.values(p).reduce<number>((s, v) => s + (v as number) ** 2, 0);

function cmaStudy(options: CmaEsSamplerOptions = {}, storage = new InMemoryStorage()): Promise<Study> {
  return createStudy({
    sampler: new CmaEsSampler({ warnIndependentSampling: false, ...options }),
    pruner: new NopPruner(),
    storage,
  });
}

/** The optimizer state stored on a trial, or null. */
function storedState(t: {
  systemAttrs: Readonly<Record<string, unknown>>;
}): { run: number; cma: CmaState } | null {
  const count = t.systemAttrs[`${CMA_OPTIMIZER_ATTR}:chunks`];
  if (typeof count !== 'number') return null;
  let text = '';
  for (let k = 0; k < count; k++) text += t.systemAttrs[`${CMA_OPTIMIZER_ATTR}:${k}`] as string;
  return JSON.parse(text);
}

async function runTrials(study: Study, n: number, objective = sphere): Promise<void> {
  for (let i = 0; i < n; i++) {
    const trial = await study.ask(XY);
    await study.tell(trial, objective(trial.paramsSoFar));
  }
}

const gen = (t: Trial | FrozenTrial) => t.systemAttrs[CMA_GENERATION_ATTR];

/** Asks `size` trials before telling any: each sees the earlier ones RUNNING. */
async function askBatch(study: Study, size: number): Promise<Trial[]> {
  const batch: Trial[] = [];
  for (let i = 0; i < size; i++) batch.push(await study.ask(XY));
  return batch;
}

/** The first distribution of a run over XY: centre, σ₀ = 1/6, the unit box. */
function initialCma(popsize: number): Cma {
  return new Cma({
    mean: [0.5, 0.5],
    sigma: 1 / 6,
    popsize,
    lower: [0, 0],
    upper: [1, 1],
    nMaxResampling: 20,
  });
}

/** The mean after telling `cma` the stored samples and values of `members` (as one generation, in number order). */
function meanAfter(cma: Cma, study: Study, members: readonly Trial[]): number[] {
  const told = members.map((t) => study.trials[t.number]).sort((a, b) => a.number - b.number);
  cma.tell(told.map((t) => ({ x: t.systemAttrs[CMA_X_ATTR] as number[], value: t.values![0] })));
  return Array.from(cma.meanVector);
}

const dot = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i], 0);

/** Six draws in 3 dimensions: members 0–2 and 3–5 are two orthogonal blocks. */
function expectOrthogonalBlocksOfThree(ys: number[][]): void {
  for (const [p, q] of [
    [0, 1],
    [0, 2],
    [1, 2],
    [3, 4],
    [3, 5],
    [4, 5],
  ])
    expect(Math.abs(dot(ys[p], ys[q]))).toBeLessThan(1e-6);
}

describe('CmaEsSampler', () => {
  it('samples the first trial independently, then CMA-ES over floats (log ones on the log scale) and ints', async () => {
    const warnings: string[] = [];
    const study = await createStudy({
      sampler: new CmaEsSampler({ seed: 1, warnIndependentSampling: (m) => warnings.push(m) }),
      pruner: new NopPruner(),
    });
    const space = {
      lr: floatDistribution(1e-5, 1e-1, { log: true }),
      layers: intDistribution(1, 8),
      x: floatDistribution(0, 1),
    };
    for (let i = 0; i < 12; i++) {
      const trial = await study.ask(space);
      const kind = trial.suggestCategorical('kind', ['a', 'b']);
      const p = trial.paramsSoFar;
      expect(p.lr).toBeGreaterThanOrEqual(1e-5);
      expect(p.lr).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(p.layers)).toBe(true);
      if (i === 0) expect(gen(trial)).toBeUndefined();
      else {
        // λ = 4 + ⌊ln 3⌋ = 5 trials per generation.
        expect(gen(trial)).toBe(Math.floor((i - 1) / 5));
        expect(trial.systemAttrs[CMA_RESTART_ATTR]).toBe(0);
        expect(trial.systemAttrs[CMA_X_ATTR]).toHaveLength(3);
      }
      await study.tell(
        trial,
        Math.log10(p.lr as number) ** 2 + (p.layers as number) + (kind === 'a' ? 0 : 1),
      );
    }
    // The categorical is left to the independent sampler, with one warning.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("parameter 'kind'");
    const first = storedState(study.trials[1]);
    expect(first?.cma.discrete).toEqual([{ low: 1, step: 1, count: 8, log: false }, null, null]);
    expect(first?.cma.mean).toEqual([0.5, 0.5, 0.5]);
    expect(first?.cma.sigma).toBeCloseTo(1 / 6, 15);
  });

  it('asks a whole generation at once and matches results told out of order', async () => {
    const study = await cmaStudy({ seed: 3, popsize: 4 });
    await runTrials(study, 1); // the startup trial
    const sampler = study.sampler as CmaEsSampler;
    expect(sampler.generationSize(study.view)).toBe(4);

    const batch = await askBatch(study, 4);
    expect(batch.map(gen)).toEqual([0, 0, 0, 0]);
    const reversed = [...batch].reverse();
    for (const t of reversed.slice(0, 3)) await study.tell(t, sphere(t.paramsSoFar));
    // What the open generation still lacks, so that a scheduler under a lower parallelism tops it up.
    expect(sampler.generationSize(study.view)).toBe(1);
    await study.tell(reversed[3], sphere(reversed[3].paramsSoFar));
    // Closed: the next generation's size.
    expect(sampler.generationSize(study.view)).toBe(4);
    const next = await study.ask(XY);
    expect(gen(next)).toBe(1);
    expect(storedState(next)?.cma.mean).toEqual(meanAfter(initialCma(4), study, batch));
  });

  describe('under parallel asks (the batch protocol: ask B, then tell B)', () => {
    it('gives overlapping asks distinct members of the open generation, one orthogonal block after another', async () => {
      const space = { a: floatDistribution(0, 1), b: floatDistribution(0, 1), c: floatDistribution(0, 1) };
      // A tiny σ₀ at the centre keeps every draw in the box, so y = (x − m)/σ₀ is the drawn N(0, I) vector.
      const study = await cmaStudy({ seed: 21, popsize: 6, sigma0: 1e-3 });
      await study.tell(await study.ask(space), 1);
      const batch: Trial[] = [];
      for (let i = 0; i < 6; i++) batch.push(await study.ask(space));
      expect(batch.map(gen)).toEqual([0, 0, 0, 0, 0, 0]);
      // Each saw the earlier ones of its generation RUNNING.
      expect(batch.map((t) => t.systemAttrs[CMA_INFLIGHT_ATTR])).toEqual([0, 1, 2, 3, 4, 5]);
      const ys = batch.map((t) => (t.systemAttrs[CMA_X_ATTR] as number[]).map((x) => (x - 0.5) / 1e-3));
      expectOrthogonalBlocksOfThree(ys);
      expect(new Set(batch.map((t) => JSON.stringify(t.paramsSoFar))).size).toBe(6);
    });

    it('takes distinct members when two processes ask at once and neither sees the other', async () => {
      const study = await cmaStudy({ seed: 22, popsize: 4, sigma0: 1e-3 });
      await runTrials(study, 1);
      await study.ask(XY); // trial 1 opens generation 0 and holds its state
      await study.refresh();
      const sampler = study.sampler as CmaEsSampler;
      // Trials 2 and 3, sampled from the same history (as two processes would): ranks 1 and 2.
      const xs = [2, 3].map((number) => {
        const ctx = trialContext(blankTrial(100 + number, number, 'RUNNING'), []);
        sampler.sampleRelative(study.view, ctx, XY);
        expect(ctx.systemAttrs[CMA_GENERATION_ATTR]).toBe(0);
        return (ctx.systemAttrs[CMA_X_ATTR] as number[]).map((x) => (x - 0.5) / 1e-3);
      });
      // n = 2: ranks 1 and 2 are the second vector of block 0 and the first of block 1, not one twice.
      expect(xs[0]).not.toEqual(xs[1]);
    });

    it('makes a batch larger than λ one generation: every member is told, whatever the order', async () => {
      const study = await cmaStudy({ seed: 23, popsize: 4 });
      const sampler = study.sampler as CmaEsSampler;
      await runTrials(study, 1);
      const batch = await askBatch(study, 7);
      expect(batch.map(gen)).toEqual([0, 0, 0, 0, 0, 0, 0]);
      for (const i of [3, 6, 0, 5, 1, 4, 2]) await study.tell(batch[i], sphere(batch[i].paramsSoFar));
      // λ evaluated close it (with seven, the ask after them does).
      expect(sampler.generationSize(study.view)).toBe(4);
      const next = await study.ask(XY);
      expect(gen(next)).toBe(1);
      // One update with all seven (λ' = 7), none wasted.
      expect(storedState(next)?.cma.mean).toEqual(meanAfter(initialCma(4), study, batch));
      expect(storedState(next)?.cma.popsize).toBe(4);
    });

    it("closes a generation of λ = 5 asked in batches of 4 after each batch (whole rounds, λ' = 4)", async () => {
      const study = await cmaStudy({ seed: 24, popsize: 5 });
      const sampler = study.sampler as CmaEsSampler;
      await runTrials(study, 1);
      const batch = await askBatch(study, 4);
      for (const t of batch) await study.tell(t, sphere(t.paramsSoFar));
      expect(sampler.generationSize(study.view)).toBe(4);
      const next = await study.ask(XY);
      expect(gen(next)).toBe(1);
      expect(storedState(next)?.cma.mean).toEqual(meanAfter(initialCma(5), study, batch));
    });

    it('does not spend a round on a failed member, nor wait for a straggler, which counts when it comes back', async () => {
      const study = await cmaStudy({ seed: 25, popsize: 4 });
      await runTrials(study, 1);
      // Five at once; one fails. The four others close generation 0.
      const batch = await askBatch(study, 5);
      for (const [i, t] of batch.entries()) await study.tell(t, i === 2 ? 'FAIL' : sphere(t.paramsSoFar));
      const next = await study.ask(XY);
      expect(gen(next)).toBe(1);
      const state1 = storedState(next)!;
      expect(state1.cma.mean).toEqual(
        meanAfter(
          initialCma(4),
          study,
          batch.filter((_, i) => i !== 2),
        ),
      );

      // Generation 1, five at once; one member is slow. Four results close it without waiting.
      const more = [next, ...(await askBatch(study, 4))];
      const straggler = more[4];
      for (const t of more.slice(0, 4)) await study.tell(t, sphere(t.paramsSoFar));
      const third = await study.ask(XY);
      expect(gen(third)).toBe(2);
      const state2 = storedState(third)!;
      expect(state2.cma.mean).toEqual(meanAfter(Cma.fromJSON(state1.cma), study, more.slice(0, 4)));

      // The straggler comes back while generation 2 is open: it is told with generation 2's members.
      await study.tell(straggler, sphere(straggler.paramsSoFar));
      const gen2 = [third, ...(await askBatch(study, 3))];
      for (const t of gen2) await study.tell(t, sphere(t.paramsSoFar));
      const fourth = await study.ask(XY);
      expect(gen(fourth)).toBe(3);
      expect(storedState(fourth)?.cma.mean).toEqual(
        meanAfter(Cma.fromJSON(state2.cma), study, [...gen2, straggler]),
      );
    });

    it('starts CMA-ES within the first round, from the space of the startup trial in flight', async () => {
      const study = await cmaStudy({ seed: 28, popsize: 4 });
      const sampler = study.sampler as CmaEsSampler;
      const first = await askBatch(study, 4);
      // Trial 0 is the startup trial; trials 1-3 already sample generation 0 over its space.
      expect(first.map(gen)).toEqual([undefined, 0, 0, 0]);
      expect(storedState(first[1])?.cma.dim).toBe(2);
      expect(sampler.generationSize(study.view)).toBe(4);
      for (const t of first) await study.tell(t, sphere(t.paramsSoFar));
      // The same run goes on once trial 0 is COMPLETE (the space is the same).
      const next = await study.ask(XY);
      expect(gen(next)).toBe(0);
      expect(next.systemAttrs[CMA_RESTART_ATTR]).toBe(0);
    });

    it('is reproducible: the same seed gives the same trials', async () => {
      const params = async (seed: number) => {
        const study = await cmaStudy({ seed });
        for (let i = 0; i < 5; i++) {
          const batch = await askBatch(study, 6);
          for (const t of batch) await study.tell(t, sphere(t.paramsSoFar));
        }
        return study.trials.map((t) => t.params);
      };
      const a = await params(26);
      expect(await params(26)).toEqual(a);
      expect(await params(27)).not.toEqual(a);
    });
  });

  it('tells an enqueued trial of a generation with the values it ran, not the sample it was given', async () => {
    const study = await cmaStudy({ seed: 4, popsize: 4 });
    await runTrials(study, 1);
    await study.enqueueTrial({ x: 1.5, y: -2 });
    const trials: Trial[] = [];
    for (let i = 0; i < 4; i++) trials.push(await study.ask(XY));
    expect(trials[0].paramsSoFar).toEqual({ x: 1.5, y: -2 });
    expect(gen(trials[0])).toBe(0);
    for (const t of trials) await study.tell(t, sphere(t.paramsSoFar));
    const next = await study.ask(XY);
    const reference = new Cma({
      mean: [0.5, 0.5],
      sigma: 1 / 6,
      popsize: 4,
      lower: [0, 0],
      upper: [1, 1],
      nMaxResampling: 20,
    });
    reference.tell(
      trials.map((t, i) => ({
        x:
          i === 0
            ? [(1.5 + 5) / 10, (-2 + 5) / 10]
            : (study.trials[t.number].systemAttrs[CMA_X_ATTR] as number[]),
        value: sphere(t.paramsSoFar),
      })),
    );
    expect(storedState(next)?.cma.mean).toEqual(Array.from(reference.meanVector));
  });

  it('IPOP: restarts with a population incPopsize times larger when the search stalls', async () => {
    const study = await cmaStudy({ seed: 5, restartStrategy: 'ipop', incPopsize: 3 });
    const sampler = study.sampler as CmaEsSampler;
    // A flat objective: after 10 + ⌈30·2/4⌉ = 25 generations of 4 the values have not moved: stop.
    await runTrials(study, 1 + 26 * 4, () => 1);
    expect(sampler.generationSize(study.view)).toBe(4);
    const restarted = await study.ask(XY);
    expect(restarted.systemAttrs[CMA_RESTART_ATTR]).toBe(1);
    expect(gen(restarted)).toBe(0);
    expect(sampler.popsize).toBe(12);
    await study.refresh();
    expect(sampler.generationSize(study.view)).toBe(12);
    const state = storedState(restarted)!;
    expect(state.run).toBe(1);
    expect(state.cma.popsize).toBe(12);
    // A restart starts from a random point of the box, not the centre.
    expect(state.cma.mean).not.toEqual([0.5, 0.5]);
  });

  it('draws a generation in blocks of n orthogonal directions, unless orthogonalSampling is false', async () => {
    const space = { a: floatDistribution(0, 1), b: floatDistribution(0, 1), c: floatDistribution(0, 1) };
    const directions = async (orthogonalSampling: boolean) => {
      // A tiny σ₀ at the centre keeps every draw in the box, so y = (x − m)/σ₀ is the drawn N(0, I) vector.
      const study = await cmaStudy({ seed: 14, popsize: 6, sigma0: 1e-3, orthogonalSampling });
      const ys: number[][] = [];
      for (let i = 0; i < 7; i++) {
        const t = await study.ask(space);
        if (i > 0) ys.push((t.systemAttrs[CMA_X_ATTR] as number[]).map((x) => (x - 0.5) / 1e-3));
        await study.tell(t, 1);
      }
      return ys;
    };
    const ys = await directions(true);
    expectOrthogonalBlocksOfThree(ys);
    const free = await directions(false);
    expect(Math.abs(dot(free[0], free[1]))).toBeGreaterThan(1e-3);
  });

  it('continues in another process: a new sampler with the same options picks up the stored state', async () => {
    const storage = new InMemoryStorage();
    const first = await cmaStudy({ seed: 6 }, storage);
    await runTrials(first, 25);
    const resumed = await loadStudy({
      studyName: first.studyName,
      storage,
      sampler: new CmaEsSampler({ seed: 6, warnIndependentSampling: false }),
      pruner: new NopPruner(),
    });
    await runTrials(resumed, 15);

    const uninterrupted = await cmaStudy({ seed: 6 });
    await runTrials(uninterrupted, 40);
    expect(resumed.trials.map((t) => t.params)).toEqual(uninterrupted.trials.map((t) => t.params));
  });

  it('splits a large state into chunks of at most 2045 characters', async () => {
    const space = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`p${i}`, floatDistribution(0, 1)]),
    );
    const study = await cmaStudy({ seed: 7 });
    for (let i = 0; i < 2; i++) {
      const t = await study.ask(space);
      await study.tell(t, 1);
    }
    const attrs = study.trials[1].systemAttrs;
    const count = attrs[`${CMA_OPTIMIZER_ATTR}:chunks`] as number;
    expect(count).toBeGreaterThan(1);
    for (let k = 0; k < count; k++)
      expect((attrs[`${CMA_OPTIMIZER_ATTR}:${k}`] as string).length).toBeLessThanOrEqual(2045);
    expect(storedState(study.trials[1])?.cma.dim).toBe(12);
  });

  it('is reproducible: the same seed gives the same trials, another seed others', async () => {
    const params = async (seed: number) => {
      const study = await cmaStudy({ seed });
      await runTrials(study, 30);
      return study.trials.map((t) => t.params);
    };
    const a = await params(11);
    expect(await params(11)).toEqual(a);
    expect(await params(12)).not.toEqual(a);
  });

  it('beats random search on sphere5 within 100 trials', async () => {
    const space = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`x${i}`, floatDistribution(-5, 5)]));
    const best = async (sampler: CmaEsSampler | RandomSampler) => {
      const study = await createStudy({ sampler, pruner: new NopPruner() });
      await study.optimize(
        (trial) => {
          let s = 0;
          for (const name of Object.keys(space)) s += trial.suggestFloat(name, -5, 5) ** 2;
          return s;
        },
        { nTrials: 100 },
      );
      return study.bestValue;
    };
    const seeds = [0, 1, 2, 3, 4];
    const cma = await Promise.all(seeds.map((seed) => best(new CmaEsSampler({ seed }))));
    const random = await Promise.all(seeds.map((seed) => best(new RandomSampler({ seed }))));
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(cma)).toBeLessThan(1);
    expect(mean(cma) * 10).toBeLessThan(mean(random));
  });

  it('maximizes by minimizing the negated values', async () => {
    const study = await cmaStudy({ seed: 8 }, new InMemoryStorage());
    const maximize = await createStudy({
      direction: 'maximize',
      sampler: new CmaEsSampler({ seed: 8, warnIndependentSampling: false }),
      pruner: new NopPruner(),
    });
    await runTrials(study, 40);
    await runTrials(maximize, 40, (p) => -sphere(p));
    expect(maximize.trials.map((t) => t.params)).toEqual(study.trials.map((t) => t.params));
  });

  it('counts PRUNED trials at their last value only with considerPrunedTrials', async () => {
    for (const considerPrunedTrials of [false, true]) {
      const study = await cmaStudy({ seed: 9, popsize: 4, considerPrunedTrials });
      await runTrials(study, 1);
      const batch: Trial[] = [];
      for (let i = 0; i < 4; i++) batch.push(await study.ask(XY));
      for (const [i, t] of batch.entries()) {
        if (i < 2) await study.tell(t, sphere(t.paramsSoFar));
        else {
          await t.report(sphere(t.paramsSoFar), 3);
          await study.tell(t, 'PRUNED');
        }
      }
      expect(gen(await study.ask(XY))).toBe(considerPrunedTrials ? 1 : 0);
    }
  });

  it('uses sep-CMA when separable, and plain CMA-ES on ints without the margin when asked', async () => {
    const sep = await cmaStudy({ seed: 10, separable: true });
    await runTrials(sep, 2);
    expect(storedState(sep.trials[1])?.cma.separable).toBe(true);

    const plain = await cmaStudy({ seed: 10, withMargin: false });
    const space = { n: intDistribution(0, 10), x: floatDistribution(0, 1) };
    for (let i = 0; i < 20; i++) {
      const t = await plain.ask(space);
      expect(Number.isInteger(t.paramsSoFar.n)).toBe(true);
      await plain.tell(t, ((t.paramsSoFar.n as number) - 3) ** 2 + (t.paramsSoFar.x as number));
    }
    const state = storedState(plain.trials[1])!;
    expect(state.cma.discrete).toEqual([null, null]);
    expect(state.cma.lower).toEqual([0, 0]);
  });

  it('starts at x0 with step size sigma0 (in units of the normalized box)', async () => {
    const study = await cmaStudy({ seed: 12, x0: { x: 2.5, y: -5 }, sigma0: 1e-6 });
    await runTrials(study, 2);
    const second = study.trials[1].params;
    expect(second.x).toBeCloseTo(2.5, 4);
    expect(second.y).toBeCloseTo(-5, 4);
    expect(storedState(study.trials[1])?.cma.mean).toEqual([0.75, 0]);
  });

  it('reports the generation size: null before a numeric space is known, then λ', async () => {
    const study = await cmaStudy({ seed: 13 });
    const sampler = study.sampler as CmaEsSampler;
    expect(sampler.generationSize(study.view)).toBeNull();
    expect(sampler.popsize).toBeNull();
    await runTrials(study, 1);
    // λ = 4 + ⌊ln 2⌋.
    expect(sampler.generationSize(study.view)).toBe(4);
    expect(new CmaEsSampler({ popsize: 10 }).popsize).toBe(10);
  });

  it('refuses multi-objective studies, new or stored, before anything is stored', async () => {
    await expect(
      createStudy({ directions: ['minimize', 'minimize'], sampler: new CmaEsSampler({ seed: 1 }) }),
    ).rejects.toThrow('CmaEsSampler supports single-objective studies only; this one has 2 objectives.');
    const storage = new InMemoryStorage();
    await createStudy({ storage, studyName: 'two', directions: ['minimize', 'minimize'] });
    const continued = { storage, studyName: 'two', sampler: new CmaEsSampler({ seed: 1 }) };
    await expect(createStudy({ ...continued, loadIfExists: true })).rejects.toThrow('has 2 objectives');
    await expect(loadStudy(continued)).rejects.toThrow('has 2 objectives');
  });

  it('checks its options once, with errors that name them', () => {
    const bad: [CmaEsSamplerOptions, string][] = [
      [{ seed: NaN }, 'seed must be a finite number'],
      [
        { sigma0: 0 },
        'sigma0 must be a number > 0 and <= 100 (the space is scaled to [0, 1] per dimension), got 0',
      ],
      [{ sigma0: 1e308 }, 'sigma0 must be a number > 0 and <= 100'],
      [{ nStartupTrials: -1 }, 'nStartupTrials must be an integer >= 0, got -1'],
      [{ popsize: 1 }, 'popsize must be an integer from 2 to 10000, got 1'],
      [{ popsize: 1e9 }, 'popsize must be an integer from 2 to 10000, got 1000000000'],
      [{ incPopsize: 1.5 }, 'incPopsize must be an integer from 1 to 100, got 1.5'],
      [{ restartStrategy: 'bipop' as 'ipop' }, `restartStrategy must be 'ipop' or null, got "bipop"`],
      [{ x0: { x: Infinity } }, 'x0.x must be a finite number'],
      [{ separable: 'yes' as unknown as boolean }, 'separable must be a boolean'],
      [{ independentSampler: {} as RandomSampler }, 'independentSampler must be a Sampler'],
    ];
    for (const [options, message] of bad) {
      expect(() => new CmaEsSampler(options)).toThrow(InvalidArgumentError);
      expect(() => new CmaEsSampler(options)).toThrow(message);
    }
  });
});
