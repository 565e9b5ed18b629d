import { NopPruner } from '../../pruners/nop-pruner';
import { createStudy } from '../../study/study';
import type { Trial } from '../../trial/trial';
import { TpeSampler } from './tpe-sampler';

// Golden values: trials 10..15 (the first ones TPE models) of a seeded study. A change here changes
// what every seeded TpeSampler study produces; update the values only on purpose.
function objective(t: Trial): number {
  const x = t.suggestFloat('x', -3, 3);
  const lr = t.suggestFloat('lr', 1e-4, 1, { log: true });
  const n = t.suggestInt('n', 1, 64, { log: true });
  const c = t.suggestCategorical('c', ['a', 'b', 'c']);
  return (x - 1) ** 2 + (Math.log10(lr) + 2) ** 2 + 0.1 * (Math.log2(n) - 3) ** 2 + (c === 'b' ? 0 : 0.5);
}

const GOLDEN = {
  multivariate: [
    { x: 0.7898832172147886, lr: 0.011187274887172263, n: 20, c: 'a' },
    { x: 1.3721698505903723, lr: 0.020114261382318525, n: 26, c: 'b' },
    { x: 1.8104032045693246, lr: 0.022446767825830313, n: 23, c: 'b' },
    { x: 0.756317663211692, lr: 0.047264108045262106, n: 51, c: 'b' },
    { x: 1.8761745691725265, lr: 0.09857182883813566, n: 15, c: 'b' },
    { x: 1.6703316299557132, lr: 0.00217469286055237, n: 46, c: 'c' },
  ],
  independent: [
    { x: 2.4693297747158613, lr: 0.016808647868821445, n: 15, c: 'c' },
    { x: 2.019362834396974, lr: 0.0514103141252815, n: 11, c: 'c' },
    { x: 2.4938459681993317, lr: 0.07754642596742645, n: 45, c: 'a' },
    { x: 1.5695096730776905, lr: 0.07675367581909662, n: 11, c: 'b' },
    { x: 1.5758942701588763, lr: 0.06558257809179, n: 10, c: 'b' },
    { x: 1.1188368898106766, lr: 0.09727134510694443, n: 8, c: 'a' },
  ],
};

describe('TpeSampler golden values (seed 42)', () => {
  it.each([
    ['multivariate', true],
    ['independent', false],
  ] as const)('%s', async (name, multivariate) => {
    const study = await createStudy({
      sampler: new TpeSampler({ seed: 42, multivariate }),
      pruner: new NopPruner(),
    });
    await study.optimize(objective, { nTrials: 16 });
    const got = study.trials.slice(10).map((t) => t.params);
    GOLDEN[name].forEach((expected, i) => {
      expect(got[i].n).toBe(expected.n);
      expect(got[i].c).toBe(expected.c);
      expect(got[i].x).toBeCloseTo(expected.x, 12);
      expect(got[i].lr).toBeCloseTo(expected.lr, 14);
    });
  });
});
