import {
  contains,
  floatDistribution,
  intDistribution,
  categoricalDistribution,
  toInternal,
} from '../../distributions';
import { InvalidArgumentError, UnknownOptionError } from '../../errors';
import { createSampler } from '../../factories/sampler-spec';
import { CONSTRAINTS_ATTR } from '../../multi-objective/constraints';
import { NopPruner } from '../../pruners/nop-pruner';
import { InMemoryStorage } from '../../storage/in-memory-storage';
import { createStudy, type Study } from '../../study/study';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { Trial } from '../../trial/trial';
import { NSGA2_CROSSOVERS } from '../nsga/crossovers';
import {
  NSGA2_GENERATION_ATTR,
  NSGA2_PARENTS_ATTR,
  NsgaIISampler,
  type NsgaIISamplerOptions,
} from './nsga2-sampler';

const x = floatDistribution(0, 1);

/** A small ZDT1-like pair of objectives on x0..x2. */
function objectives(trial: Trial): [number, number] {
  const a = trial.suggestFloat('x0', 0, 1);
  const g = 1 + trial.suggestFloat('x1', 0, 1) + trial.suggestFloat('x2', 0, 1);
  return [a, g * (1 - Math.sqrt(a / g))];
}

async function newStudy(options: NsgaIISamplerOptions, storage = new InMemoryStorage()): Promise<Study> {
  return createStudy({
    studyName: 'mo',
    directions: ['minimize', 'minimize'],
    sampler: new NsgaIISampler(options),
    pruner: new NopPruner(),
    storage,
  });
}

const generation = (t: FrozenTrial) => t.systemAttrs[NSGA2_GENERATION_ATTR];
const parents = (t: FrozenTrial) => t.systemAttrs[NSGA2_PARENTS_ATTR] as number[] | undefined;

/** Adds a COMPLETE trial of generation `g` with the given values (and constraints). */
function addMember(study: Study, g: number, values: number[], x0: number, constraints?: number[]) {
  return study.addTrial({
    values,
    params: { x0 },
    distributions: { x0: x },
    systemAttrs: {
      [NSGA2_GENERATION_ATTR]: g,
      ...(constraints ? { [CONSTRAINTS_ATTR]: constraints } : {}),
    },
  });
}

describe('NsgaIISampler', () => {
  it('counts generations through trial attributes: popsize COMPLETE trials close one', async () => {
    const study = await newStudy({ seed: 1, populationSize: 4 });
    await study.optimize(objectives, { nTrials: 12 });
    expect(study.trials.map(generation)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(study.trials.slice(0, 4).every((t) => parents(t) === undefined)).toBe(true);
    for (const t of study.trials.slice(4, 8)) {
      expect(parents(t)!.length).toBeGreaterThan(0);
      for (const p of parents(t)!) expect(p).toBeLessThan(4);
    }
    // Generation 2's parents are the elite of generation 1 and its parents: trials 0..7.
    for (const t of study.trials.slice(8)) for (const p of parents(t)!) expect(p).toBeLessThan(8);
  });

  it('keeps trials in flight in the open generation until popsize of its trials are COMPLETE', async () => {
    const study = await newStudy({ seed: 2, populationSize: 4 });
    const inFlight: Trial[] = [];
    for (let i = 0; i < 6; i++) inFlight.push(await study.ask());
    for (const t of inFlight) objectives(t);
    // Six asked at once: all of generation 0 (two more than the population).
    expect((await study.getTrials()).map(generation)).toEqual([0, 0, 0, 0, 0, 0]);
    for (const t of inFlight.slice(0, 3)) await study.tell(t, objectives(t));
    await study.tell(inFlight[3], 'FAIL');
    // Three COMPLETE and one failed: generation 0 is still open.
    const seventh = await study.ask();
    expect(generation(seventh.snapshot())).toBe(0);
    await study.tell(inFlight[4], objectives(inFlight[4]));
    // Four COMPLETE now (0, 1, 2, 4): the next trial opens generation 1, bred from them.
    const eighth = await study.ask();
    objectives(eighth);
    expect(generation(eighth.snapshot())).toBe(1);
    for (const p of parents(eighth.snapshot())!) expect([0, 1, 2, 4]).toContain(p);
  });

  it('breeds from feasible parents before infeasible ones, whatever their values', async () => {
    const study = await newStudy({ seed: 4, populationSize: 2, crossoverProb: 1 });
    await addMember(study, 0, [0, 0], 0.1, [1]); // best values, infeasible
    await addMember(study, 0, [0.1, 0.1], 0.2, [2]); // infeasible
    await addMember(study, 0, [5, 5], 0.8, [-1]); // feasible
    await addMember(study, 0, [6, 6], 0.9, [0]); // feasible
    const trial = await study.ask();
    expect(generation(trial.snapshot())).toBe(1);
    expect([...parents(trial.snapshot())!].sort()).toEqual([2, 3]);
  });

  it.each(NSGA2_CROSSOVERS.map((c) => [c]))(
    '%s: every child lies in its distributions',
    async (crossover) => {
      const space = {
        f: floatDistribution(-3, 2),
        lg: floatDistribution(1e-4, 1, { log: true }),
        st: floatDistribution(0, 1, { step: 0.25 }),
        i: intDistribution(1, 9),
        il: intDistribution(2, 1024, { log: true }),
        c: categoricalDistribution(['a', 'b', 'c']),
      };
      const study = await newStudy({
        seed: 5,
        populationSize: 6,
        crossover,
        crossoverProb: 1,
        mutationProb: 0,
      });
      await study.optimize(
        (trial) => {
          const f = trial.suggestFloat('f', -3, 2);
          const lg = trial.suggestFloat('lg', 1e-4, 1, { log: true });
          const st = trial.suggestFloat('st', 0, 1, { step: 0.25 });
          const i = trial.suggestInt('i', 1, 9);
          const il = trial.suggestInt('il', 2, 1024, { log: true });
          const c = trial.suggestCategorical('c', ['a', 'b', 'c']);
          return [f * f + Math.log(lg) + i, (f - 1) ** 2 + st + il / 100 + (c === 'b' ? 0 : 1)];
        },
        { nTrials: 36 },
      );
      const bred = study.trials.filter((t) => parents(t) !== undefined);
      expect(bred.length).toBeGreaterThan(20);
      for (const t of study.trials) {
        for (const [name, d] of Object.entries(space)) {
          expect(contains(d, toInternal(d, t.params[name]))).toBe(true);
        }
      }
    },
  );

  it('refuses unknown options and bad values, saying what is expected', () => {
    expect(() => new NsgaIISampler({ popsize: 4 } as never)).toThrow(UnknownOptionError);
    expect(() => new NsgaIISampler({ crossover: 'blend' as never })).toThrow(
      /crossover must be one of uniform, sbx/,
    );
    expect(() => new NsgaIISampler({ populationSize: 2, crossover: 'undx' })).toThrow(
      /populationSize must be an integer >= 3 \(crossover 'undx' needs 3 parents\)/,
    );
    expect(() => new NsgaIISampler({ crossoverProb: 1.5 })).toThrow(InvalidArgumentError);
    expect(createSampler({ type: 'nsga2', seed: 1, options: { populationSize: 8 } })).toBeInstanceOf(
      NsgaIISampler,
    );
    expect(() => createSampler({ type: 'nsga2', options: { populationsize: 8 } })).toThrow(
      /unknown option 'populationsize'/,
    );
  });
});
