import { floatDistribution } from '../../distributions';
import { InvalidArgumentError, UnknownOptionError } from '../../errors';
import { createSampler } from '../../factories/sampler-spec';
import { CONSTRAINTS_ATTR } from '../../multi-objective/constraints';
import { NopPruner } from '../../pruners/nop-pruner';
import { InMemoryStorage } from '../../storage/in-memory-storage';
import { createStudy, type Study } from '../../study/study';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { Trial } from '../../trial/trial';
import type { StudyDirection } from '../../trial/trial-state';
import {
  NSGA3_GENERATION_ATTR,
  NSGA3_PARENTS_ATTR,
  NsgaIIISampler,
  type NsgaIIISamplerOptions,
} from './nsga3-sampler';

const x = floatDistribution(0, 1);

/** DTLZ2-like, 3 objectives on x0..x3. */
function objectives(trial: Trial): [number, number, number] {
  const a = trial.suggestFloat('x0', 0, 1) * (Math.PI / 2);
  const b = trial.suggestFloat('x1', 0, 1) * (Math.PI / 2);
  const g = (trial.suggestFloat('x2', 0, 1) - 0.5) ** 2 + (trial.suggestFloat('x3', 0, 1) - 0.5) ** 2;
  return [(1 + g) * Math.cos(a) * Math.cos(b), (1 + g) * Math.cos(a) * Math.sin(b), (1 + g) * Math.sin(a)];
}

async function newStudy(
  options: NsgaIIISamplerOptions,
  storage = new InMemoryStorage(),
  directions: StudyDirection[] = ['minimize', 'minimize', 'minimize'],
): Promise<Study> {
  return createStudy({
    studyName: 'mo',
    directions,
    sampler: new NsgaIIISampler(options),
    pruner: new NopPruner(),
    storage,
  });
}

const generation = (t: FrozenTrial) => t.systemAttrs[NSGA3_GENERATION_ATTR];
const parents = (t: FrozenTrial) => t.systemAttrs[NSGA3_PARENTS_ATTR] as number[] | undefined;

/** Adds a COMPLETE trial of generation `g` with the given values (and constraints). */
function addMember(study: Study, g: number, values: number[], x0: number, constraints?: number[]) {
  return study.addTrial({
    values,
    params: { x0 },
    distributions: { x0: x },
    systemAttrs: {
      [NSGA3_GENERATION_ATTR]: g,
      ...(constraints ? { [CONSTRAINTS_ATTR]: constraints } : {}),
    },
  });
}

/** The parents of a few children of the open generation: with crossoverProb 1 and a population of 2, its elite. */
async function eliteOf(study: Study): Promise<number[]> {
  const seen = new Set<number>();
  for (let i = 0; i < 3; i++) {
    const trial = await study.ask();
    for (const p of parents(trial.snapshot()) ?? []) seen.add(p);
    await study.tell(trial, 'FAIL');
  }
  return [...seen].sort((a, b) => a - b);
}

describe('NsgaIIISampler', () => {
  it('keeps trials in flight in the open generation, as NsgaIISampler does', async () => {
    const study = await newStudy({ seed: 2, populationSize: 4 });
    const inFlight: Trial[] = [];
    for (let i = 0; i < 6; i++) inFlight.push(await study.ask());
    for (const t of inFlight) objectives(t);
    expect((await study.getTrials()).map(generation)).toEqual([0, 0, 0, 0, 0, 0]);
    for (const t of inFlight.slice(0, 3)) await study.tell(t, objectives(t));
    await study.tell(inFlight[3], 'FAIL');
    expect(generation((await study.ask()).snapshot())).toBe(0);
    await study.tell(inFlight[4], objectives(inFlight[4]));
    const next = await study.ask();
    objectives(next);
    expect(generation(next.snapshot())).toBe(1);
    for (const p of parents(next.snapshot())!) expect([0, 1, 2, 4]).toContain(p);
  });

  it.each([
    ['minimize', 1],
    ['maximize', -1],
  ] as const)(
    'keeps the last front’s members nearest each reference line, not its extremes (%s)',
    async (direction, sign) => {
      // One front of five; normalized (0, 1), (.1, .9), (.5, .5), (.9, .1), (1, 0). Nearest the line through
      // (1, 1): the middle point (trial 2); nearest the line through (1, 4): (.1, .9) (trial 1). NSGA-II's
      // crowding distance would keep the two extremes, trials 0 and 4.
      const study = await newStudy(
        {
          seed: 1,
          populationSize: 2,
          crossoverProb: 1,
          referencePoints: [
            [1, 1],
            [1, 4],
          ],
        },
        undefined,
        [direction, direction],
      );
      const front = [
        [0, 10],
        [1, 9],
        [5, 5],
        [9, 1],
        [10, 0],
      ];
      for (const [i, values] of front.entries())
        await addMember(
          study,
          0,
          values.map((v) => sign * v),
          i / 10,
        );
      expect(await eliteOf(study)).toEqual([1, 2]);
    },
  );

  it('with Das–Dennis points (p = 1: the two axes) keeps the extremes of a 2-objective front', async () => {
    const study = await newStudy(
      { seed: 1, populationSize: 2, crossoverProb: 1, dividingParameter: 1 },
      undefined,
      ['minimize', 'minimize'],
    );
    for (const [i, values] of [
      [0, 10],
      [1, 9],
      [5, 5],
      [9, 1],
      [10, 0],
    ].entries())
      await addMember(study, 0, values, i / 10);
    expect(await eliteOf(study)).toEqual([0, 4]);
  });

  it('breeds from feasible parents before infeasible ones, whatever their values', async () => {
    const study = await newStudy({ seed: 4, populationSize: 2, crossoverProb: 1 }, undefined, [
      'minimize',
      'minimize',
    ]);
    await addMember(study, 0, [0, 0], 0.1, [1]); // best values, infeasible
    await addMember(study, 0, [0.1, 0.1], 0.2, [2]); // infeasible
    await addMember(study, 0, [5, 5], 0.8, [-1]); // feasible
    await addMember(study, 0, [6, 6], 0.9, [0]); // feasible
    expect(await eliteOf(study)).toEqual([2, 3]);
  });

  it('sizes its population by the reference points unless told: at least 20, a multiple of 4', async () => {
    const firstGeneration = async (options: NsgaIIISamplerOptions, nObjectives: number) => {
      const study = await newStudy(options, new InMemoryStorage(), Array(nObjectives).fill('minimize'));
      return (study.sampler as NsgaIIISampler).generationSize(study.view);
    };
    // Das–Dennis with p = 3: 4 points for 2 objectives, 10 for 3, 20 for 4, 35 for 5, 56 for 6.
    expect(await firstGeneration({}, 2)).toBe(20);
    expect(await firstGeneration({}, 3)).toBe(20);
    expect(await firstGeneration({}, 4)).toBe(20);
    expect(await firstGeneration({}, 5)).toBe(36);
    expect(await firstGeneration({}, 6)).toBe(56);
    expect(await firstGeneration({ dividingParameter: 5 }, 3)).toBe(24); // 21 points
    expect(await firstGeneration({ referencePoints: Array(30).fill([1, 1]) }, 2)).toBe(32);
    expect(await firstGeneration({ populationSize: 50 }, 5)).toBe(50);
    expect(await firstGeneration({ populationSize: 8 }, 2)).toBe(8);
  });

  it('refuses unknown options and bad values, saying what is expected', () => {
    expect(() => new NsgaIIISampler({ popsize: 4 } as never)).toThrow(UnknownOptionError);
    expect(() => new NsgaIIISampler({ dividingParameter: 0 })).toThrow(
      /dividingParameter must be an integer >= 1, got 0/,
    );
    expect(() => new NsgaIIISampler({ dividingParameter: 2.5 })).toThrow(InvalidArgumentError);
    for (const bad of [[], [[1, -1]], [[0, 0]], [[1, 0], [1]], [[1, NaN]], 'a'])
      expect(() => new NsgaIIISampler({ referencePoints: bad as never })).toThrow(
        /referencePoints must be a non-empty list of points of one length/,
      );
    expect(() => new NsgaIIISampler({ crossover: 'spx', populationSize: 2 })).toThrow(
      /populationSize must be an integer >= 3/,
    );
    expect(() => new NsgaIIISampler({ mutationProb: -0.1 })).toThrow(
      /mutationProb must be a number in \[0, 1\]/,
    );
    expect(createSampler({ type: 'nsga3', seed: 1, options: { dividingParameter: 4 } })).toBeInstanceOf(
      NsgaIIISampler,
    );
    expect(() => createSampler({ type: 'nsga3', options: { referencepoints: [[1, 1]] } })).toThrow(
      /unknown option 'referencepoints'/,
    );
  });

  it('says at the first ask when the reference points do not have one coordinate per objective', async () => {
    const study = await newStudy({ seed: 1, populationSize: 2, referencePoints: [[1, 1]] });
    await study.optimize(objectives, { nTrials: 1 }).then(
      () => {
        throw new Error('expected a refusal');
      },
      (e: unknown) => {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect((e as Error).message).toBe(
          'NsgaIIISampler: referencePoints have 2 coordinates, but the study has 3 objectives.',
        );
      },
    );
  });
});
