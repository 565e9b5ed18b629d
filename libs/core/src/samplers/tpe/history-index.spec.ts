import { floatDistribution } from '../../distributions';
import { NopPruner } from '../../pruners/nop-pruner';
import { RandomSampler } from '../random/random-sampler';
import { createStudy } from '../../study/study';
import type { StudyDirection } from '../../trial/trial-state';
import { HistoryIndex } from './history-index';

const X = floatDistribution(0, 10);

async function indexed(direction: StudyDirection) {
  const study = await createStudy({
    direction,
    sampler: new RandomSampler({ seed: 1 }),
    pruner: new NopPruner(),
  });
  const add = (state: 'COMPLETE' | 'PRUNED' | 'FAIL', x: number, extra: object = {}) =>
    study.addTrial({ state, params: { x }, distributions: { x: X }, ...extra });
  await add('COMPLETE', 0, { value: 3 }); // 0
  await add('PRUNED', 1, { intermediateValues: { 5: 0.5 } }); // 1: pruned at step 5
  await add('COMPLETE', 2, { value: 1 }); // 2
  await add('FAIL', 3); // 3: never indexed
  await add('PRUNED', 4, { intermediateValues: { 2: 9, 9: 2 } }); // 4: pruned at step 9
  await add('PRUNED', 5); // 5: pruned before any report
  await add('COMPLETE', 6, { value: 3 }); // 6: ties with 0, which is older
  const index = new HistoryIndex();
  index.sync(study.view);
  const ranked = Array.from(index.ranking.subarray(0, index.count), (slot) => index.numberOf(slot));
  return { study, index, ranked };
}

describe('HistoryIndex', () => {
  it('ranks COMPLETE trials by value, then PRUNED ones by the step reached and the value there (Optuna 3.1)', async () => {
    const { index, ranked } = await indexed('minimize');
    expect(index.count).toBe(6);
    expect(ranked).toEqual([2, 0, 6, 4, 1, 5]);
  });

  it('ranks on -value when maximizing', async () => {
    const { ranked } = await indexed('maximize');
    // COMPLETE 3, 3, 1; then pruned at step 9 (value 2), at step 5 (value 0.5), without reports.
    expect(ranked).toEqual([0, 6, 2, 4, 1, 5]);
  });

  it('keeps slots in trial-number order and a column sorted by value, growing incrementally', async () => {
    const { study, index } = await indexed('minimize');
    await study.addTrial({ value: 0.5, params: { x: 2.5 }, distributions: { x: X } }); // 7
    await study.addTrial({ value: 0.2, params: { y: 1 }, distributions: { y: X } }); // 8: no x
    index.sync(study.view);
    expect(Array.from(index.byNumber.subarray(0, index.count), (s) => index.numberOf(s))).toEqual([
      0, 1, 2, 4, 5, 6, 7, 8,
    ]);
    const col = index.column('x', X);
    expect(col.size).toBe(7);
    expect(Array.from(col.byValue.subarray(0, col.size), (s) => col.value[s])).toEqual([
      0, 1, 2, 2.5, 4, 5, 6,
    ]);
    // A column for another distribution keeps only the values inside it.
    const narrow = index.column('x', floatDistribution(1, 4));
    expect(Array.from(narrow.byValue.subarray(0, narrow.size), (s) => narrow.value[s])).toEqual([
      1, 2, 2.5, 4,
    ]);
  });
});
