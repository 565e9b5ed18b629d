import { floatDistribution, categoricalDistribution } from '../../distributions';
import { createStudy } from '../../study/study';
import { trialContext } from '../../trial/trial-context';
import { AUTO_CHOICE_ATTR, AutoSampler } from './auto-sampler';

const x = floatDistribution(-5, 5);
const y = floatDistribution(0, 1);

async function studyWith(
  trials: Array<Record<string, number | string>>,
  directions: ('minimize' | 'maximize')[] = ['minimize'],
) {
  const study = await createStudy({ directions, sampler: new AutoSampler({ seed: 1, gpMaxTrials: 50 }) });
  for (const params of trials) {
    const distributions = Object.fromEntries(
      Object.keys(params).map((k) => [
        k,
        k === 'kind' ? categoricalDistribution(['a', 'b']) : k === 'x' ? x : y,
      ]),
    );
    await study.addTrial({ values: directions.map(() => 1), params, distributions });
  }
  return study;
}

describe('AutoSampler', () => {
  it('takes the GP for float spaces while the history is short, then TPE', async () => {
    const sampler = new AutoSampler({ seed: 1, gpMaxTrials: 3 });
    const few = await studyWith([{ x: 1, y: 0.5 }]);
    expect(sampler.choose(few.view)).toBe('gp');
    const many = await studyWith([
      { x: 1, y: 0.5 },
      { x: 2, y: 0.1 },
      { x: 3, y: 0.9 },
    ]);
    expect(sampler.choose(many.view)).toBe('tpe');
  });

  it('moves a float study to TPE when gpMaxInFlight trials are in flight, and records it', async () => {
    const sampler = new AutoSampler({ seed: 1, gpMaxInFlight: 3 });
    const study = await createStudy({ sampler });
    await study.optimize((t) => t.suggestFloat('x', -5, 5) ** 2, { nTrials: 2 });
    const batch = await study.createPendingTrials(5, (t) => void t.suggestFloat('x', -5, 5));
    // The 1st to 3rd planned trials see 0, 1, 2 others in flight; from the 4th on, 3 or more.
    expect(batch.map((t) => t.systemAttrs[AUTO_CHOICE_ATTR])).toEqual(['gp', 'gp', 'gp', 'tpe', 'tpe']);
    expect(() => new AutoSampler({ gpMaxInFlight: 0 })).toThrow(
      'gpMaxInFlight must be an integer >= 1, got 0',
    );
  });

  it('takes TPE for conditional and categorical-heavy spaces', async () => {
    const sampler = new AutoSampler({ seed: 1 });
    const conditional = await studyWith([{ x: 1 }, { x: 2, y: 0.3 }]);
    expect(sampler.choose(conditional.view)).toBe('tpe');
    const categorical = await studyWith([{ kind: 'a', x: 1 }]);
    expect(sampler.choose(categorical.view)).toBe('tpe');
    const mostlyFloat = await studyWith([{ kind: 'a', x: 1, y: 0.2 }]);
    expect(sampler.choose(mostlyFloat.view)).toBe('gp');
  });

  it('applies the same rules to two objectives (the GP for short float histories, TPE otherwise), TPE beyond gpMaxObjectives', async () => {
    const sampler = new AutoSampler({ seed: 1, gpMaxTrials: 3, gpMaxInFlight: 2 });
    const twoObjectives = ['minimize', 'maximize'] as ('minimize' | 'maximize')[];
    const cases: Array<[Array<Record<string, number | string>>, string]> = [
      [[], 'gp'],
      [[{ x: 1, y: 0.5 }], 'gp'],
      [[{ x: 1 }, { x: 2, y: 0.3 }], 'tpe'], // conditional
      [[{ kind: 'a', x: 1 }], 'tpe'], // categorical-heavy
      [[{ x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }], 'tpe'], // past gpMaxTrials
    ];
    for (const [trials, expected] of cases) {
      const study = await studyWith(trials, twoObjectives);
      expect(sampler.choose(study.view)).toBe(expected);
    }
    const three = await studyWith([{ x: 1, y: 0.2 }], ['minimize', 'minimize', 'minimize']);
    expect(sampler.choose(three.view)).toBe('tpe');
    expect(new AutoSampler({ seed: 1, gpMaxObjectives: 3 }).choose(three.view)).toBe('gp');
    expect(() => new AutoSampler({ gpMaxObjectives: 0 })).toThrow(
      'gpMaxObjectives must be an integer >= 1, got 0',
    );

    // A constrained study with trials in flight, run through ask/tell: the GP until gpMaxInFlight are in flight.
    const constrained = await createStudy({
      directions: ['minimize', 'minimize'],
      sampler: new AutoSampler({ seed: 1, gpMaxInFlight: 2 }),
      constraintsFunc: (t) => [(t.params.x as number) - 1],
    });
    await constrained.optimize((t) => [t.suggestFloat('x', -5, 5), t.suggestFloat('y', 0, 1)], {
      nTrials: 12,
    });
    const batch = await constrained.createPendingTrials(3, (t) => void t.suggestFloat('x', -5, 5));
    expect(constrained.trials.slice(0, 12).map((t) => t.systemAttrs[AUTO_CHOICE_ATTR])).toEqual(
      new Array(12).fill('gp'),
    );
    expect(batch.map((t) => t.systemAttrs[AUTO_CHOICE_ATTR])).toEqual(['gp', 'gp', 'tpe']);
  });

  it('keeps running a trial on the sampler it recorded (QMC, from before MOTPE)', async () => {
    const sampler = new AutoSampler({ seed: 1 });
    const study = await studyWith([{ x: 1 }], ['minimize', 'minimize']);
    const recorded = trialContext(
      { ...study.trials[0], number: 1, state: 'RUNNING', systemAttrs: { [AUTO_CHOICE_ATTR]: 'qmc' } },
      [],
    );
    sampler.beforeTrial(study.view, recorded);
    expect(sampler.lastChoice).toBe('qmc');
    expect(sampler.sampleIndependent(study.view, recorded, 'x', x)).toEqual(expect.any(Number));
  });

  it('records its choice on each trial and is reproducible for a seed', async () => {
    const run = async () => {
      const study = await createStudy({ sampler: new AutoSampler({ seed: 7, gpMaxTrials: 6 }) });
      await study.optimize((t) => t.suggestFloat('x', -5, 5) ** 2 + t.suggestFloat('y', 0, 1), {
        nTrials: 8,
      });
      return study.trials.map((t) => [t.systemAttrs[AUTO_CHOICE_ATTR], t.params.x, t.params.y]);
    };
    const first = await run();
    expect(first.slice(0, 6).every(([choice]) => choice === 'gp')).toBe(true);
    expect(first.slice(6).every(([choice]) => choice === 'tpe')).toBe(true);
    expect(await run()).toEqual(first);
  });

  it('checks its options', () => {
    expect(() => new AutoSampler({ gpMaxTrials: -1 })).toThrow('gpMaxTrials must be an integer >= 0, got -1');
    expect(() => new AutoSampler({ categoricalShareForTpe: 2 })).toThrow(
      /categoricalShareForTpe must be in \[0, 1\]/,
    );
  });
});
