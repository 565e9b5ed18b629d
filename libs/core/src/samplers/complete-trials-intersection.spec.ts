import { floatDistribution, intDistribution } from '../distributions';
import { createStudy } from '../study/study';
import { CompleteTrialsIntersection } from './complete-trials-intersection';

describe('CompleteTrialsIntersection', () => {
  it('keeps the parameters every COMPLETE trial has with one distribution, updated as trials complete', async () => {
    const study = await createStudy();
    const space = new CompleteTrialsIntersection();
    expect(space.calculate(study.view)).toEqual({});
    const x = floatDistribution(0, 1);
    await study.addTrial({
      params: { x: 0.5, n: 2, c: 1 },
      distributions: { x, n: intDistribution(0, 3), c: x },
      value: 1,
    });
    expect(Object.keys(space.calculate(study.view))).toEqual(['c', 'n', 'x']);
    // A trial without c, another with a different range for n; FAIL and RUNNING ones do not count.
    await study.addTrial({
      params: { x: 0.1, n: 1 },
      distributions: { x, n: intDistribution(0, 3) },
      value: 2,
    });
    await study.addTrial({ state: 'FAIL', params: { y: 0.3 }, distributions: { y: x } });
    await study.ask();
    expect(space.calculate(study.view)).toEqual({ n: intDistribution(0, 3), x });
    await study.addTrial({
      params: { x: 0.2, n: 1 },
      distributions: { x, n: intDistribution(0, 4) },
      value: 3,
    });
    expect(space.calculate(study.view)).toEqual({ x });
  });

  it('intersects the trials of the given finished states (TPE: COMPLETE and PRUNED)', async () => {
    const study = await createStudy();
    const x = floatDistribution(0, 1);
    const finished = new CompleteTrialsIntersection({ states: ['COMPLETE', 'PRUNED'] });
    const complete = new CompleteTrialsIntersection();
    await study.addTrial({
      params: { x: 0.5, n: 2 },
      distributions: { x, n: intDistribution(0, 3) },
      value: 1,
    });
    await study.addTrial({ state: 'PRUNED', params: { x: 0.1 }, distributions: { x } });
    expect(finished.calculate(study.view)).toEqual({ x });
    expect(complete.calculate(study.view)).toEqual({ n: intDistribution(0, 3), x });
  });
});
