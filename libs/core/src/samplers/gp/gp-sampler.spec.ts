import type { Distribution, ParamValue } from '../../distributions';
import { InvalidArgumentError } from '../../errors';
import type { StudyView } from '../../study/study-view';
import { createStudy } from '../../study/study';
import { RandomSampler } from '../random/random-sampler';
import type { TrialContext } from '../../trial/trial-context';
import { GpSampler } from './gp-sampler';

/** A RandomSampler that counts the parameters it was asked for. */
class CountingSampler extends RandomSampler {
  readonly asked: string[] = [];
  override sampleIndependent(
    study: StudyView,
    trial: TrialContext,
    name: string,
    d: Distribution,
  ): ParamValue {
    this.asked.push(`${trial.number}:${name}`);
    return super.sampleIndependent(study, trial, name, d);
  }
}

describe('GpSampler', () => {
  it('samples the start-up trials independently, then every shared parameter from the GP', async () => {
    const independent = new CountingSampler({ seed: 1 });
    const sampler = new GpSampler({ seed: 1, nStartupTrials: 4, independentSampler: independent });
    const study = await createStudy({ sampler });
    await study.optimize((t) => t.suggestFloat('x', -2, 2) ** 2 + t.suggestFloat('y', -2, 2) ** 2, {
      nTrials: 8,
    });
    expect(independent.asked).toEqual(['0:x', '0:y', '1:x', '1:y', '2:x', '2:y', '3:x', '3:y']);
  });

  it('minimizes a smooth function to high precision in few trials', async () => {
    const study = await createStudy({ sampler: new GpSampler({ seed: 3 }) });
    await study.optimize(
      (t) => (t.suggestFloat('x', -5, 5) - 1.3) ** 2 + 2 * (t.suggestFloat('y', -5, 5) + 0.7) ** 2,
      { nTrials: 30 },
    );
    expect(study.bestValue).toBeLessThan(1e-4);
  });

  it('maximizes by sign, on log, int and categorical parameters', async () => {
    const study = await createStudy({ direction: 'maximize', sampler: new GpSampler({ seed: 5 }) });
    await study.optimize(
      (t) => {
        const lr = t.suggestFloat('lr', 1e-5, 1, { log: true });
        const layers = t.suggestInt('layers', 1, 8);
        const act = t.suggestCategorical('act', ['relu', 'tanh', 'gelu']);
        return -((Math.log10(lr) + 3) ** 2) - 0.1 * (layers - 6) ** 2 + (act === 'gelu' ? 1 : 0);
      },
      { nTrials: 35 },
    );
    const best = study.bestTrial.params;
    expect(best.act).toBe('gelu');
    expect(best.layers).toBe(6);
    expect(Math.log10(best.lr as number)).toBeCloseTo(-3, 1);
    for (const t of study.trials) {
      expect(Number.isInteger(t.params.layers)).toBe(true);
      expect(t.params.lr as number).toBeGreaterThanOrEqual(1e-5);
      expect(t.params.lr as number).toBeLessThanOrEqual(1);
    }
  });

  it('gives the same trials for the same seed', async () => {
    const run = async (seed: number) => {
      const study = await createStudy({ sampler: new GpSampler({ seed, nStartupTrials: 3 }) });
      await study.optimize((t) => Math.sin(5 * t.suggestFloat('x', 0, 1)) + t.suggestInt('k', 0, 30) / 30, {
        nTrials: 8,
      });
      return study.trials.map((t) => [t.params.x, t.params.k]);
    };
    expect(await run(9)).toEqual(await run(9));
    expect(await run(9)).not.toEqual(await run(10));
  });

  it('samples conditional parameters independently and says so once per parameter', async () => {
    const messages: string[] = [];
    const sampler = new GpSampler({
      seed: 2,
      nStartupTrials: 3,
      warnIndependentSampling: (m) => messages.push(m),
    });
    const study = await createStudy({ sampler });
    await study.optimize(
      (t) => {
        const x = t.suggestFloat('x', 0, 1);
        return x < 0.5 ? t.suggestFloat('low', 0, 1) : x + t.suggestFloat('high', 0, 1);
      },
      { nTrials: 10 },
    );
    expect(messages.length).toBeGreaterThan(0);
    expect(new Set(messages.map((m) => /parameter '(\w+)'/.exec(m)![1])).size).toBe(messages.length);
    expect(messages[0]).toMatch(
      /GpSampler: parameter '(low|high)' of trial \d+ is sampled by the independent sampler/,
    );
  });

  it('copes with infinite values and a search space that changes', async () => {
    const study = await createStudy({
      sampler: new GpSampler({ seed: 4, nStartupTrials: 3, warnIndependentSampling: false }),
    });
    await study.optimize(
      (t) => {
        const x = t.suggestFloat('x', 0, 1);
        return t.number === 1 ? Infinity : (x - 0.5) ** 2;
      },
      { nTrials: 6 },
    );
    await study.optimize((t) => (t.suggestFloat('x', 0, 1) - 0.5) ** 2 + t.suggestFloat('z', 0, 1), {
      nTrials: 6,
    });
    expect(study.trials.filter((t) => t.state === 'COMPLETE')).toHaveLength(12);
  });

  it('plans a batch around the trials in flight: distinct points, the same batch for the same seed', async () => {
    const f = (x: number, y: number) => (x - 0.3) ** 2 + (y + 0.2) ** 2;
    async function plan(seed: number): Promise<[number, number][]> {
      const study = await createStudy({ sampler: new GpSampler({ seed }) });
      await study.optimize((t) => f(t.suggestFloat('x', -1, 1), t.suggestFloat('y', -1, 1)), { nTrials: 12 });
      const planned = await study.createPendingTrials(8, (t) => {
        t.suggestFloat('x', -1, 1);
        t.suggestFloat('y', -1, 1);
      });
      return planned.map((t) => [t.params.x as number, t.params.y as number]);
    }
    const batch = await plan(7);
    expect(batch).toHaveLength(8);
    // Without the pending points every plan would be the same maximizer of EI; with them no two coincide.
    for (let i = 0; i < batch.length; i++)
      for (let j = 0; j < i; j++)
        expect(Math.hypot(batch[i][0] - batch[j][0], batch[i][1] - batch[j][1])).toBeGreaterThan(1e-3);
    expect(await plan(7)).toEqual(batch);
  });

  it('models warped values with outputWarping: other trials after the start-up, the same for a seed', async () => {
    const run = async (outputWarping: boolean) => {
      const study = await createStudy({ sampler: new GpSampler({ seed: 2, outputWarping }) });
      // Rosenbrock-like: values in the thousands at the corners, a narrow valley near the optimum.
      await study.optimize(
        (t) => {
          const x = t.suggestFloat('x', -2, 2);
          const y = t.suggestFloat('y', -1, 3);
          return 100 * (y - x * x) ** 2 + (1 - x) ** 2;
        },
        { nTrials: 14 },
      );
      return study.trials.map((t) => t.values![0]);
    };
    const warped = await run(true);
    const plain = await run(false);
    expect(warped.slice(0, 10)).toEqual(plain.slice(0, 10)); // the start-up trials do not use the GP
    expect(warped.slice(10)).not.toEqual(plain.slice(10));
    expect(await run(true)).toEqual(warped);
  });

  it('checks its options, naming the bad one', () => {
    expect(() => new GpSampler({ nStartupTrials: -1 })).toThrow(
      new InvalidArgumentError('nStartupTrials must be an integer >= 0, got -1'),
    );
    expect(() => new GpSampler({ seed: NaN })).toThrow('seed must be a finite number, got NaN');
    expect(() => new GpSampler({ deterministicObjective: 'yes' as unknown as boolean })).toThrow(
      'deterministicObjective must be a boolean, got yes',
    );
    expect(() => new GpSampler({ independentSampler: {} as never })).toThrow(
      'independentSampler must be a Sampler (with sampleIndependent)',
    );
    expect(() => new GpSampler({ outputWarping: 'on' as unknown as boolean })).toThrow(
      'outputWarping must be a boolean, got on',
    );
    expect(() => new GpSampler({ warnIndependentSampling: 1 as unknown as boolean })).toThrow(
      'warnIndependentSampling must be a boolean or a function, got 1',
    );
  });
});
