import {
  categoricalDistribution,
  floatDistribution,
  intDistribution,
  type Distribution,
} from '../../distributions';
import { NopPruner } from '../../pruners/nop-pruner';
import { createStudy } from '../../study/study';
import { RandomSampler } from '../random/random-sampler';
import { HistoryIndex } from './history-index';
import { GroupDecomposedSearchSpace, withoutSingleValued } from './search-space';

const MODEL = categoricalDistribution(['svm', 'mlp']);
const C = floatDistribution(1e-3, 1e3, { log: true });
const KERNEL = categoricalDistribution(['rbf', 'poly']);
const LR = floatDistribution(1e-5, 1e-1, { log: true });
const UNITS = intDistribution(8, 512, { log: true });

async function history(trials: Record<string, [Distribution, string | number]>[]) {
  const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }), pruner: new NopPruner() });
  for (const t of trials) {
    await study.addTrial({
      value: 1,
      params: Object.fromEntries(Object.entries(t).map(([k, [, v]]) => [k, v])),
      distributions: Object.fromEntries(Object.entries(t).map(([k, [d]]) => [k, d])),
    });
  }
  const index = new HistoryIndex();
  index.sync(study.view);
  return { study, index };
}

const svm = { model: [MODEL, 'svm'], c: [C, 1], kernel: [KERNEL, 'rbf'] } as Record<
  string,
  [Distribution, string | number]
>;
const mlp = { model: [MODEL, 'mlp'], lr: [LR, 0.01], units: [UNITS, 64] } as Record<
  string,
  [Distribution, string | number]
>;

describe('search spaces of the finished trials', () => {
  it('group decomposition: one group per branch of a conditional space', async () => {
    const { study, index } = await history([svm, mlp]);
    const groups = new GroupDecomposedSearchSpace();
    expect(groups.calculate(index).map((g) => Object.keys(g))).toEqual([
      ['model'],
      ['c', 'kernel'],
      ['lr', 'units'],
    ]);
    // A later trial that cuts a group splits it.
    await study.addTrial({ value: 1, params: { model: 'svm', c: 2 }, distributions: { model: MODEL, c: C } });
    index.sync(study.view);
    expect(groups.calculate(index).map((g) => Object.keys(g))).toEqual([
      ['model'],
      ['c'],
      ['kernel'],
      ['lr', 'units'],
    ]);
  });

  it('leaves out single-valued distributions', async () => {
    const one = floatDistribution(2, 2);
    const { index } = await history([{ x: [one, 2], y: [C, 1] }]);
    expect(withoutSingleValued({ x: one, y: C })).toEqual({ y: C });
    expect(new GroupDecomposedSearchSpace().calculate(index)).toEqual([{ y: C }]);
  });
});
