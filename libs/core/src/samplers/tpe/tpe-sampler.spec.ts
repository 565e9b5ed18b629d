import { floatDistribution } from '../../distributions';
import { InvalidArgumentError } from '../../errors';
import { NopPruner } from '../../pruners/nop-pruner';
import { createStudy, type Study } from '../../study/study';
import type { Trial } from '../../trial/trial';
import { RandomSampler } from '../random/random-sampler';
import { TpeSampler, type TpeSamplerOptions } from './tpe-sampler';
import { manyObjectiveGamma, multiObjectiveGamma } from './weighting';

const X = floatDistribution(0, 1);

/** A study holding COMPLETE trials of f(x) = (x - 0.3)² at the given x. */
async function studyWith(sampler: TpeSampler, xs: readonly number[]): Promise<Study> {
  const study = await createStudy({ sampler, pruner: new NopPruner() });
  for (const x of xs) {
    await study.addTrial({ value: (x - 0.3) ** 2, params: { x }, distributions: { x: X } });
  }
  return study;
}

const HISTORY = Array.from({ length: 20 }, (_, i) => (i * 0.37 + 0.05) % 1);

function sphere(trial: Trial): number {
  const x = trial.suggestFloat('x', -5, 5);
  const y = trial.suggestFloat('y', -5, 5);
  return (x - 0.7) ** 2 + (y + 1.3) ** 2;
}

async function bestOf(sampler: TpeSampler | RandomSampler, nTrials: number): Promise<number> {
  const study = await createStudy({ sampler, pruner: new NopPruner() });
  await study.optimize(sphere, { nTrials });
  return study.bestValue;
}

describe('TpeSampler options', () => {
  it.each<[TpeSamplerOptions, string]>([
    [{ nStartupTrials: -1 }, 'nStartupTrials must be an integer >= 0, got -1'],
    [{ nEiCandidates: 0 }, 'nEiCandidates must be an integer >= 1, got 0'],
    [{ priorWeight: -1 }, 'priorWeight must be a finite number >= 0, got -1'],
    [{ bandwidthFactor: 0 }, 'bandwidthFactor must be a finite number > 0, got 0'],
    [{ categoricalSmoothing: NaN }, 'categoricalSmoothing must be a finite number >= 0, got NaN'],
    [{ gamma: 0.1 as unknown as (n: number) => number }, 'gamma must be a function, got 0.1'],
    [{ multivariate: 'yes' as unknown as boolean }, 'multivariate must be a boolean, got yes'],
    [
      { constantLiar: 'sometimes' as unknown as boolean },
      `constantLiar must be true, false or one of 'worst', 'mean', 'best', got "sometimes"`,
    ],
    [
      { constantLiar: 1 as unknown as boolean },
      "constantLiar must be true, false or one of 'worst', 'mean', 'best', got 1",
    ],
    [
      { multiObjectiveWeights: 'rank' as unknown as 'uniform' },
      `multiObjectiveWeights must be one of 'hypervolume', 'uniform', got "rank"`,
    ],
    [{ liarWeight: 0 }, 'liarWeight must be a finite number > 0, got 0'],
    [{ liarWeight: Infinity }, 'liarWeight must be a finite number > 0, got Infinity'],
    [
      { warnIndependentSampling: 1 as unknown as boolean },
      'warnIndependentSampling must be a boolean or a function, got 1',
    ],
  ])('rejects %p', (options, message) => {
    expect(() => new TpeSampler(options)).toThrow(new RangeError(message));
  });

  it('refuses group without multivariate, and defaults group to multivariate', () => {
    expect(() => new TpeSampler({ multivariate: false, group: true })).toThrow(InvalidArgumentError);
    expect(() => new TpeSampler({ multivariate: false })).not.toThrow();
  });

  it('checks what gamma and weights return when it uses them', async () => {
    const badGamma = await studyWith(new TpeSampler({ seed: 1, gamma: () => 1.5 }), HISTORY);
    await expect(badGamma.ask({ x: X })).rejects.toThrow('gamma(20) must return an integer >= 0, got 1.5');
    const badWeights = await studyWith(new TpeSampler({ seed: 1, weights: () => [1] }), HISTORY);
    await expect(badWeights.ask({ x: X })).rejects.toThrow('weights(16) must return 16 numbers, got 1');
  });
});

describe('TpeSampler with several objectives (MOTPE)', () => {
  // Two objectives with a front along x in [0, 1]: f1 = x, f2 = 1 - √x + y (y = 0 is optimal).
  function twoObjectives(t: Trial): number[] {
    const x = t.suggestFloat('x', 0, 1);
    const y = t.suggestFloat('y', 0, 1);
    return [x, 1 - Math.sqrt(x) + 4 * y];
  }

  async function run(
    seed: number,
    nTrials: number,
    constrained = false,
    options: TpeSamplerOptions = {},
  ): Promise<Study> {
    const study = await createStudy({
      directions: ['minimize', 'minimize'],
      sampler: new TpeSampler({ seed, ...options }),
      pruner: new NopPruner(),
      ...(constrained ? { constraintsFunc: (t) => [(t.params.x as number) - 0.5] } : {}),
    });
    await study.optimize(twoObjectives, { nTrials });
    return study;
  }

  const paramsOf = (study: Study) => study.trials.map((t) => t.params);

  it('samples the same trials for the same seed, and others for another', async () => {
    const a = await run(3, 30);
    expect(paramsOf(await run(3, 30))).toEqual(paramsOf(a));
    expect(paramsOf(await run(4, 30))).not.toEqual(paramsOf(a));
  });

  it('models the good trials: after start-up, y (which only worsens f2) stays lower than at random', async () => {
    const meanY = (study: Study) =>
      study.trials.slice(10).reduce((s, t) => s + (t.params.y as number), 0) / (study.trials.length - 10);
    const seeds = [0, 1, 2];
    const tpe = await Promise.all(seeds.map((seed) => run(seed, 40)));
    // Random search averages 0.5; TPE keeps y low in every seed.
    for (const study of tpe) expect(meanY(study)).toBeLessThan(0.3);
  });

  it('draws from the feasible trials when a constraint cuts the front (x ≤ 0.5)', async () => {
    const study = await run(5, 40, true);
    const modelled = study.trials.slice(10);
    const feasibleShare = modelled.filter((t) => (t.params.x as number) <= 0.5).length / modelled.length;
    expect(feasibleShare).toBeGreaterThan(0.7);
  });

  it('defaults, two objectives: the joint model, γ = ⌈0.1 n⌉ uncapped, uniform weights in l(x)', async () => {
    const defaults = paramsOf(await run(6, 40));
    const explicit = await run(6, 40, false, {
      multivariate: true,
      gamma: multiObjectiveGamma,
      multiObjectiveWeights: 'uniform',
    });
    expect(paramsOf(explicit)).toEqual(defaults);
    const hypervolume = await run(6, 40, false, { multiObjectiveWeights: 'hypervolume' });
    expect(paramsOf(hypervolume)).not.toEqual(defaults);
  });

  it('defaults, three objectives: one parameter at a time, γ = ⌈0.2 n⌉ uncapped, uniform weights', async () => {
    const threeObjectives = (t: Trial) => {
      const x = t.suggestFloat('x', 0, 1);
      const y = t.suggestFloat('y', 0, 1);
      return [x, 1 - Math.sqrt(x) + 4 * y, y + Math.sqrt(x)];
    };
    const run3 = async (options: TpeSamplerOptions) => {
      const study = await createStudy({
        directions: ['minimize', 'minimize', 'minimize'],
        sampler: new TpeSampler({ seed: 7, ...options }),
        pruner: new NopPruner(),
      });
      await study.optimize(threeObjectives, { nTrials: 30 });
      return paramsOf(study);
    };
    const defaults = await run3({});
    expect(
      await run3({ multivariate: false, gamma: manyObjectiveGamma, multiObjectiveWeights: 'uniform' }),
    ).toEqual(defaults);
    // A user's choice still wins: the joint model on three objectives.
    expect(await run3({ multivariate: true, warnIndependentSampling: false })).not.toEqual(defaults);
  });

  it('plans around trials in flight (the constant liar) and keeps a maximised objective the right way up', async () => {
    const study = await createStudy({
      directions: ['minimize', 'maximize'],
      sampler: new TpeSampler({ seed: 2 }),
      pruner: new NopPruner(),
    });
    await study.optimize((t) => twoObjectives(t).map((v, k) => (k === 1 ? -v : v)), { nTrials: 20 });
    const batch = await study.createPendingTrials(4, (t) => {
      t.suggestFloat('x', 0, 1);
      t.suggestFloat('y', 0, 1);
    });
    expect(new Set(batch.map((t) => JSON.stringify(t.params))).size).toBe(4);
    await study.optimize((t) => twoObjectives(t).map((v, k) => (k === 1 ? -v : v)), { nTrials: 20 });
    const meanY = study.trials.slice(24).reduce((s, t) => s + (t.params.y as number), 0) / 20;
    expect(meanY).toBeLessThan(0.3);
  });
});

describe('TpeSampler sampling', () => {
  it('samples the start-up trials exactly as RandomSampler with the same seed', async () => {
    const tpe = await createStudy({ sampler: new TpeSampler({ seed: 11 }), pruner: new NopPruner() });
    const random = await createStudy({ sampler: new RandomSampler({ seed: 11 }), pruner: new NopPruner() });
    await tpe.optimize(sphere, { nTrials: 10 });
    await random.optimize(sphere, { nTrials: 10 });
    expect(tpe.trials.map((t) => t.params)).toEqual(random.trials.map((t) => t.params));
  });

  it('gives the same trials for the same seed and different ones for another seed', async () => {
    const run = async (seed: number) => {
      const study = await createStudy({ sampler: new TpeSampler({ seed }), pruner: new NopPruner() });
      await study.optimize(sphere, { nTrials: 25 });
      return study.trials.map((t) => t.params);
    };
    expect(await run(5)).toEqual(await run(5));
    expect((await run(6)).slice(10)).not.toEqual((await run(5)).slice(10));
  });

  it('finds better values than random search on a quadratic (5 seeds × 40 trials)', async () => {
    let tpe = 0;
    let random = 0;
    for (let seed = 0; seed < 5; seed++) {
      tpe += await bestOf(new TpeSampler({ seed }), 40);
      random += await bestOf(new RandomSampler({ seed }), 40);
    }
    expect(tpe / 5).toBeLessThan(0.1);
    expect(tpe).toBeLessThan(random / 3);
  });

  it('maximizes by ranking on -value', async () => {
    const study = await createStudy({
      direction: 'maximize',
      sampler: new TpeSampler({ seed: 3 }),
      pruner: new NopPruner(),
    });
    await study.optimize((t) => -((t.suggestFloat('x', -10, 10) - 2) ** 2), { nTrials: 40 });
    expect(study.bestValue).toBeGreaterThan(-0.05);
    expect(Math.abs((study.bestParams.x as number) - 2)).toBeLessThan(0.25);
  });

  it('models every kind of parameter, independently too, within the distributions', async () => {
    for (const multivariate of [true, false]) {
      const study = await createStudy({
        sampler: new TpeSampler({ seed: 2, multivariate }),
        pruner: new NopPruner(),
      });
      await study.optimize(
        (t) => {
          const lr = t.suggestFloat('lr', 1e-5, 1e-1, { log: true });
          const layers = t.suggestInt('layers', 1, 8);
          const width = t.suggestInt('width', 8, 1024, { log: true });
          const drop = t.suggestFloat('drop', 0, 0.5, { step: 0.1 });
          const act = t.suggestCategorical('act', ['relu', 'tanh', 'gelu']);
          return (
            (Math.log10(lr) + 3) ** 2 +
            (layers - 3) ** 2 +
            (Math.log2(width) - 7) ** 2 +
            drop +
            (act === 'gelu' ? 0 : 1)
          );
        },
        { nTrials: 30 },
      );
      for (const t of study.trials) {
        const p = t.params;
        expect(p.lr).toBeGreaterThanOrEqual(1e-5);
        expect(p.lr).toBeLessThanOrEqual(1e-1);
        expect(Number.isInteger(p.layers) && (p.layers as number) >= 1 && (p.layers as number) <= 8).toBe(
          true,
        );
        expect(Number.isInteger(p.width) && (p.width as number) >= 8 && (p.width as number) <= 1024).toBe(
          true,
        );
        expect(
          [0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5].map((v) => Math.abs(v - (p.drop as number)) < 1e-9),
        ).toContain(true);
        expect(['relu', 'tanh', 'gelu']).toContain(p.act);
      }
      expect(study.bestValue).toBeLessThan(3);
    }
  });

  it('models each branch of a conditional space on its own trials (group) and says nothing', async () => {
    const warn = jest.fn();
    const study = await createStudy({
      sampler: new TpeSampler({ seed: 4, warnIndependentSampling: warn }),
      pruner: new NopPruner(),
    });
    await study.optimize(
      (t) => {
        const model = t.suggestCategorical('model', ['a', 'b']);
        if (model === 'a') return (t.suggestFloat('a_x', 0, 1) - 0.2) ** 2;
        return 0.5 + (t.suggestFloat('b_x', 0, 1) - 0.8) ** 2;
      },
      { nTrials: 40 },
    );
    expect(study.bestParams.model).toBe('a');
    expect(study.bestValue).toBeLessThan(0.01);
    expect(warn).not.toHaveBeenCalled();
  });

  it('warns once per parameter TPE had to sample outside the multivariate model (group off)', async () => {
    const warn = jest.fn();
    const study = await createStudy({
      sampler: new TpeSampler({ seed: 4, group: false, warnIndependentSampling: warn }),
      pruner: new NopPruner(),
    });
    await study.optimize(
      (t) =>
        t.suggestCategorical('model', ['a', 'b']) === 'a'
          ? t.suggestFloat('a_x', 0, 1)
          : t.suggestFloat('b_x', 0, 1),
      { nTrials: 30 },
    );
    const names = warn.mock.calls.map(([m]) => /'(\w+)'/.exec(m as string)![1]);
    expect(names).toContain('a_x');
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('TpeSampler and pruned trials', () => {
  // 12 COMPLETE trials, then 5 trials that either FAILed or were PRUNED at x near 0.3 with low values.
  async function pick(options: TpeSamplerOptions, pruned: boolean): Promise<number> {
    const study = await studyWith(new TpeSampler({ seed: 5, ...options }), HISTORY.slice(0, 12));
    for (let i = 0; i < 5; i++) {
      const x = 0.28 + 0.01 * i;
      await study.addTrial(
        pruned
          ? { state: 'PRUNED', params: { x }, distributions: { x: X }, intermediateValues: { 3: 0.001 } }
          : { state: 'FAIL', params: { x }, distributions: { x: X } },
      );
    }
    return (await study.ask({ x: X })).paramsSoFar.x as number;
  }

  it('leaves them out once nStartupTrials trials are COMPLETE', async () => {
    for (const multivariate of [true, false]) {
      expect(await pick({ multivariate }, true)).toBe(await pick({ multivariate }, false));
    }
  });

  it('ranks them after the COMPLETE ones with considerPrunedTrials (Optuna 3.1)', async () => {
    for (const multivariate of [true, false]) {
      const options = { multivariate, considerPrunedTrials: true };
      expect(await pick(options, true)).not.toBe(await pick(options, false));
    }
  });
});

describe('TpeSampler constant liar', () => {
  /** The point trial 23 takes after 20 finished trials with 3 RUNNING ones (20-22) at `at`. */
  async function nextWithRunning(options: TpeSamplerOptions, at: number): Promise<number> {
    const study = await studyWith(new TpeSampler({ seed: 8, ...options }), HISTORY);
    for (let i = 0; i < 3; i++) {
      await study.enqueueTrial({ x: at });
      const running = await study.ask({ x: X });
      expect(running.paramsSoFar.x).toBe(at);
      await running.flush();
    }
    const next = await study.ask({ x: X });
    expect(next.number).toBe(23);
    return next.paramsSoFar.x as number;
  }

  it('counts RUNNING trials as bad by default, so the next point moves away from them', async () => {
    for (const multivariate of [true, false]) {
      // The point TPE picks for trial 23 from 20 finished trials (and 3 failed ones)...
      const plain = await studyWith(new TpeSampler({ seed: 8, multivariate }), HISTORY);
      for (let i = 0; i < 3; i++) await plain.addTrial({ state: 'FAIL' });
      const picked = (await plain.ask({ x: X })).paramsSoFar.x as number;

      // ...is now held by 3 RUNNING trials. Trial 23 draws the same candidates (seed, trial number).
      // Without the liar the running trials are invisible; with it (the default), g(x) grows at `picked`.
      expect(await nextWithRunning({ multivariate, constantLiar: false }, picked)).toBe(picked);
      const byDefault = await nextWithRunning({ multivariate }, picked);
      expect(byDefault).not.toBe(picked);
      expect(await nextWithRunning({ multivariate, constantLiar: true }, picked)).toBe(byDefault);
      expect(await nextWithRunning({ multivariate, constantLiar: 'worst' }, picked)).toBe(byDefault);
      // At full weight (Optuna's liar) the running trials weigh more in g(x): another point.
      expect(await nextWithRunning({ multivariate, liarWeight: 1 }, picked)).not.toBe(picked);
    }
  });

  it("ranks the 'mean' lie among the COMPLETE values: worse than the best γ here, so as 'worst'", async () => {
    for (const at of [0.3, 0.9]) {
      expect(await nextWithRunning({ constantLiar: 'mean' }, at)).toBe(
        await nextWithRunning({ constantLiar: 'worst' }, at),
      );
    }
  });

  it("counts a RUNNING trial as good with 'best': l(x) grows at it and the next points go near it", async () => {
    // 3 trials run at x = 0.95, far from the optimum (0.3). Over 20 seeds, how often is the next point near them?
    const near = async (constantLiar: TpeSamplerOptions['constantLiar']) => {
      let count = 0;
      for (let seed = 0; seed < 20; seed++) {
        const study = await studyWith(new TpeSampler({ seed, constantLiar }), HISTORY);
        for (let i = 0; i < 3; i++) {
          await study.enqueueTrial({ x: 0.95 });
          await (await study.ask({ x: X })).flush();
        }
        const x = (await study.ask({ x: X })).paramsSoFar.x as number;
        if (Math.abs(x - 0.95) < 0.1) count++;
      }
      return count;
    };
    const best = await near('best');
    expect(best).toBeGreaterThan(await near('worst'));
    expect(best).toBeGreaterThan(await near(false));
  });

  it('changes nothing in sequential use: no trial is running when the next one is asked', async () => {
    const run = async (options: TpeSamplerOptions) => {
      const study = await createStudy({
        sampler: new TpeSampler({ seed: 12, ...options }),
        pruner: new NopPruner(),
      });
      await study.optimize(sphere, { nTrials: 20 });
      return study.trials.map((t) => t.params);
    };
    const off = await run({ constantLiar: false });
    expect(await run({})).toEqual(off);
    expect(await run({ constantLiar: 'best', liarWeight: 1 })).toEqual(off);
  });

  it('spreads the points of several pending trials', async () => {
    const spread = async (constantLiar: boolean) => {
      const study = await studyWith(new TpeSampler({ seed: 9, constantLiar, nEiCandidates: 200 }), HISTORY);
      const xs: number[] = [];
      for (let i = 0; i < 4; i++) {
        const trial = await study.ask({ x: X });
        await trial.flush();
        xs.push(trial.paramsSoFar.x as number);
      }
      xs.sort((a, b) => a - b);
      return Math.min(...xs.slice(1).map((x, i) => x - xs[i]));
    };
    expect(await spread(true)).toBeGreaterThan(await spread(false));
  });
});
