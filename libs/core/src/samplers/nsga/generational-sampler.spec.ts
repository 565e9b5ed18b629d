import { NopPruner } from '../../pruners/nop-pruner';
import { createStudy } from '../../study/study';
import type { Trial } from '../../trial/trial';
import { NsgaIISampler } from '../nsga2';
import { NsgaIIISampler } from '../nsga3';
import type { GenerationalSampler } from './generational-sampler';

const samplers: Array<[string, (populationSize: number) => GenerationalSampler]> = [
  ['NsgaIISampler', (populationSize) => new NsgaIISampler({ seed: 1, populationSize })],
  ['NsgaIIISampler', (populationSize) => new NsgaIIISampler({ seed: 1, populationSize })],
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
