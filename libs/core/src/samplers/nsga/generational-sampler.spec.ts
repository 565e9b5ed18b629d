import { NopPruner } from '../../pruners/nop-pruner';
import { InMemoryStorage } from '../../storage/in-memory-storage';
import { createStudy, loadStudy, type Study } from '../../study/study';
import type { Trial } from '../../trial/trial';
import { NsgaIISampler } from '../nsga2';
import { NsgaIIISampler } from '../nsga3';
import type { GenerationalSampler } from './generational-sampler';

const samplers: Array<[string, (populationSize: number, seed?: number) => GenerationalSampler]> = [
  ['NsgaIISampler', (populationSize, seed = 1) => new NsgaIISampler({ seed, populationSize })],
  ['NsgaIIISampler', (populationSize, seed = 1) => new NsgaIIISampler({ seed, populationSize })],
];

function objectives(trial: Trial): [number, number] {
  const a = trial.suggestFloat('a', 0, 1);
  const b = trial.suggestFloat('b', 0, 1);
  return [a + b, 2 - a + b];
}

describe.each(samplers)('%s.generationSize', (_, build) => {
  it('is the COMPLETE trials the open generation still needs, so a scheduler can send them together', async () => {
    const sampler = build(4);
    const study = await createStudy({
      directions: ['minimize', 'minimize'],
      sampler,
      pruner: new NopPruner(),
    });
    expect(sampler.generationSize(study.view)).toBe(4);
    await study.optimize(objectives, { nTrials: 3 });
    expect(sampler.generationSize(study.view)).toBe(1);
    // A failed member does not count: it is made up by another.
    const failed = await study.ask();
    await study.tell(failed, 'FAIL');
    expect(sampler.generationSize(study.view)).toBe(1);
    await study.optimize(objectives, { nTrials: 1 });
    // Generation 0 is closed: generation 1 opens with none of its own.
    expect(sampler.generationSize(study.view)).toBe(4);
    await study.optimize(objectives, { nTrials: 2 });
    expect(sampler.generationSize(study.view)).toBe(2);
  });
});

describe.each(samplers)('%s, seeded', (_, build) => {
  async function newStudy(
    seed: number,
    populationSize: number,
    storage = new InMemoryStorage(),
  ): Promise<Study> {
    return createStudy({
      studyName: 'mo',
      directions: ['minimize', 'minimize'],
      sampler: build(populationSize, seed),
      pruner: new NopPruner(),
      storage,
    });
  }

  it('gives the same trials for the same seed, and others for another seed', async () => {
    const run = async (seed: number) => {
      const study = await newStudy(seed, 6);
      await study.optimize(objectives, { nTrials: 30 });
      return study.trials.map((t) => [t.params, t.systemAttrs]);
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
  });

  it('gives the same trials when two processes share the study, asking in turn', async () => {
    const single = await newStudy(3, 4);
    await single.optimize(objectives, { nTrials: 20 });

    const storage = new InMemoryStorage();
    const a = await newStudy(3, 4, storage);
    const b = await loadStudy({ studyName: 'mo', storage, sampler: build(4, 3) });
    for (let i = 0; i < 20; i++) {
      const study = i % 2 === 0 ? a : b;
      await study.refresh();
      const trial = await study.ask();
      await study.tell(trial, objectives(trial));
    }
    expect((await a.getTrials()).map((t) => t.params)).toEqual(single.trials.map((t) => t.params));
  });
});
