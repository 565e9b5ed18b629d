import { floatDistribution, intDistribution } from '../../distributions';
import { createStudy } from '../../study/study';
import { CmaEsSampler } from './cma-es-sampler';

/**
 * Golden output of a seeded CmaEsSampler: a random startup trial, generations 0 and 1 (λ = 5 trials) and
 * the start of generation 2, on a float, a log float and an int. A change here changes every seeded study.
 */
const GOLDEN_42 = [
  { n: 9, x: 1.4301160975943965, y: 39.768647739683296 },
  { n: 7, x: -0.7308149833025244, y: 0.20200170886121582 },
  { n: 3, x: -2.80579643821661, y: 0.239688130936722 },
  { n: 4, x: 1.7229439269614506, y: 0.0340182207809581 },
  { n: 6, x: 3.629094558072893, y: 0.06927194319648396 },
  { n: 3, x: -0.3080217493799706, y: 0.30828221164118197 },
  { n: 1, x: 0.54250049516844, y: 0.006067556095629932 },
  { n: 4, x: 3.0620784863240793, y: 0.007581714086199729 },
  { n: 5, x: -0.4196358051033622, y: 0.002227323981371737 },
  { n: 2, x: 1.3289905804705784, y: 2.8747873864755387 },
  { n: 3, x: 0.7329162727519449, y: 0.040845093308817054 },
  { n: 6, x: -1.209974397595503, y: 1.074544259443606 },
];

describe('CmaEsSampler (golden output)', () => {
  it('gives the same trials for seed 42, frozen here', async () => {
    const study = await createStudy({ sampler: new CmaEsSampler({ seed: 42 }) });
    const space = {
      n: intDistribution(1, 10),
      x: floatDistribution(-5, 5),
      y: floatDistribution(1e-3, 1e3, { log: true }),
    };
    for (let i = 0; i < GOLDEN_42.length; i++) {
      const t = await study.ask(space);
      const p = t.paramsSoFar as Record<string, number>;
      await study.tell(t, (p.x - 1) ** 2 + Math.log10(p.y) ** 2 + (p.n - 4) ** 2);
    }
    expect(study.trials.map((t) => t.params)).toEqual(GOLDEN_42);
  });
});
