import { categoricalDistribution, floatDistribution, intDistribution } from '../../distributions';
import { createStudy } from '../../study/study';
import { NsgaIISampler } from '../nsga2';
import { NsgaIIISampler } from '../nsga3';
import type { GenerationalSampler } from './generational-sampler';

/**
 * Golden output of the seeded NSGA samplers (population 4, their other defaults): a random generation, then
 * three bred ones, on a categorical, an int, a float and a log float, three objectives and a constraint. A
 * change here changes every seeded NSGA study.
 */
const NSGA2_GOLDEN_42 = [
  { c: 'a', n: 8, x: 2.926264011955844, y: 609.8407231088688 },
  { c: 'b', n: 9, x: -3.872446136745058, y: 0.07329365681245982 },
  { c: 'a', n: 5, x: -3.4567366826982147, y: 0.9865307288337486 },
  { c: 'a', n: 1, x: -4.095052497411902, y: 54.23961779799365 },
  { c: 'a', n: 1, x: 2.926264011955844, y: 4.376001780757751 },
  { c: 'a', n: 5, x: -3.4567366826982147, y: 0.9865307288337486 },
  { c: 'a', n: 1, x: 2.926264011955844, y: 54.23961779799365 },
  { c: 'a', n: 5, x: -3.4567366826982147, y: 609.8407231088688 },
  { c: 'a', n: 8, x: 2.926264011955844, y: 609.8407231088688 },
  { c: 'a', n: 5, x: 2.926264011955844, y: 0.9865307288337486 },
  { c: 'a', n: 8, x: 2.926264011955844, y: 609.8407231088688 },
  { c: 'b', n: 5, x: -3.4567366826982147, y: 13.187204688172546 },
  { c: 'a', n: 7, x: 2.926264011955844, y: 0.9865307288337486 },
  { c: 'a', n: 5, x: -3.4567366826982147, y: 0.9865307288337486 },
  { c: 'b', n: 3, x: 0.3852835279517395, y: 0.9865307288337486 },
  { c: 'a', n: 5, x: -3.4567366826982147, y: 0.025029454124153628 },
];

const NSGA3_GOLDEN_42 = [
  { c: 'a', n: 8, x: 2.926264011955844, y: 609.8407231088688 },
  { c: 'b', n: 9, x: -3.872446136745058, y: 0.07329365681245982 },
  { c: 'a', n: 5, x: -3.4567366826982147, y: 0.9865307288337486 },
  { c: 'a', n: 1, x: -4.095052497411902, y: 54.23961779799365 },
  { c: 'a', n: 8, x: 2.926264011955844, y: 4.376001780757751 },
  { c: 'a', n: 1, x: 2.926264011955844, y: 609.8407231088688 },
  { c: 'a', n: 8, x: -3.4567366826982147, y: 609.8407231088688 },
  { c: 'a', n: 1, x: -3.4567366826982147, y: 54.23961779799365 },
  { c: 'a', n: 1, x: 2.926264011955844, y: 609.8407231088688 },
  { c: 'a', n: 5, x: -3.4567366826982147, y: 404.4772926152725 },
  { c: 'a', n: 9, x: 1.5987969851354977, y: 0.9865307288337486 },
  { c: 'a', n: 5, x: 2.926264011955844, y: 609.8407231088688 },
  { c: 'a', n: 8, x: 2.926264011955844, y: 609.8407231088688 },
  { c: 'a', n: 8, x: 2.926264011955844, y: 609.8407231088688 },
  { c: 'a', n: 5, x: -3.4567366826982147, y: 0.9865307288337486 },
  { c: 'a', n: 5, x: 2.926264011955844, y: 609.8407231088688 },
];

describe.each([
  ['NsgaIISampler', () => new NsgaIISampler({ seed: 42, populationSize: 4 }), NSGA2_GOLDEN_42],
  ['NsgaIIISampler', () => new NsgaIIISampler({ seed: 42, populationSize: 4 }), NSGA3_GOLDEN_42],
] as Array<[string, () => GenerationalSampler, typeof NSGA2_GOLDEN_42]>)(
  '%s (golden output)',
  (_, build, golden) => {
    it('gives the same trials for seed 42, frozen here', async () => {
      const study = await createStudy({
        directions: ['minimize', 'minimize', 'minimize'],
        sampler: build(),
        constraintsFunc: (t) => [(t.params.x as number) - 4],
      });
      const space = {
        c: categoricalDistribution(['a', 'b']),
        n: intDistribution(1, 10),
        x: floatDistribution(-5, 5),
        y: floatDistribution(1e-3, 1e3, { log: true }),
      };
      for (let i = 0; i < golden.length; i++) {
        const t = await study.ask(space);
        const p = t.paramsSoFar as { c: string; n: number; x: number; y: number };
        await study.tell(t, [
          (p.x - 1) ** 2 + (p.n - 4) ** 2,
          Math.log10(p.y) ** 2 + (p.c === 'a' ? 1 : 0),
          (p.x + 1) ** 2 + Math.abs(p.n - 6),
        ]);
      }
      expect(study.trials.map((t) => t.params)).toEqual(golden);
    });
  },
);
