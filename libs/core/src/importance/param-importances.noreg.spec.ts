import { categoricalDistribution, floatDistribution } from '../distributions';
import { createRng } from '../random/rng';
import { makeTrial } from '../visualization/testing/make-trial';
import { importances } from './param-importances';

// Golden output: a change here changes every importance users have seen for their studies. Update the
// figures only on purpose (a deliberate change of the forest or of the decomposition).
describe('importances golden output', () => {
  it('freezes the importances of a seeded study', () => {
    const rng = createRng(2024);
    const u = floatDistribution(-5, 5);
    const k = categoricalDistribution(['sgd', 'adam']);
    const trials = Array.from({ length: 30 }, (_, i) => {
      const params = { x: rng.uniform(-5, 5), y: rng.uniform(-5, 5), opt: rng.int(2) ? 'adam' : 'sgd' };
      const value = params.x ** 2 + 0.5 * params.y + (params.opt === 'adam' ? 0 : 4);
      return makeTrial(i, { values: [value], params, distributions: { x: u, y: u, opt: k } });
    });
    expect(importances(trials, { seed: 42, nTrees: 16 })).toEqual([
      { param: 'x', importance: expect.closeTo(0.9214238835711795, 12) },
      { param: 'y', importance: expect.closeTo(0.05554263551125771, 12) },
      { param: 'opt', importance: expect.closeTo(0.023033480917562743, 12) },
    ]);
  });
});
