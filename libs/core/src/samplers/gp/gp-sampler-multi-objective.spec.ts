import { createStudy } from '../../study/study';
import type { Trial } from '../../trial/trial';
import { GpSampler } from './gp-sampler';

/** Two objectives on [0, 1]²: f1 = x, f2 = 1 − √x + y² (the front is y = 0); constraint x ≥ 0.8 when `constrained`. */
async function runStudy(
  seed: number,
  nTrials: number,
  constrained: boolean,
  enqueued: Record<string, number>[] = [],
) {
  const study = await createStudy({
    directions: ['minimize', 'minimize'],
    sampler: new GpSampler({ seed, nStartupTrials: 5 }),
    ...(constrained ? { constraintsFunc: (t) => [0.8 - (t.params.x as number)] } : {}),
  });
  for (const params of enqueued) await study.enqueueTrial(params);
  await study.optimize(
    (t: Trial) => {
      const x = t.suggestFloat('x', 0, 1);
      const y = t.suggestFloat('y', -1, 1);
      return [x, 1 - Math.sqrt(x) + y * y];
    },
    { nTrials },
  );
  return study;
}

describe('GpSampler with several objectives', () => {
  it('gives the same trials for the same seed, constraints included', async () => {
    const params = async (seed: number) => (await runStudy(seed, 12, true)).trials.map((t) => t.params);
    const first = await params(4);
    expect(await params(4)).toEqual(first);
    expect(await params(5)).not.toEqual(first);
  });

  it('models the objectives after the start-up: its points sit on the front (y near 0), not spread like the start-up', async () => {
    const study = await runStudy(1, 20, false);
    const afterStartup = study.trials.slice(5).map((t) => Math.abs(t.params.y as number));
    afterStartup.sort((a, b) => a - b);
    // The median |y| of the modelled trials is far below a uniform draw's 0.5.
    expect(afterStartup[Math.floor(afterStartup.length / 2)]).toBeLessThan(0.1);
  });

  it('without a feasible trial, goes where the constraint model expects feasibility', async () => {
    // Five start-up trials all infeasible (x ≤ 0.5); x ≥ 0.8 is feasible.
    const enqueued = [0.1, 0.2, 0.3, 0.4, 0.5].map((x, i) => ({ x, y: -0.5 + i / 4 }));
    const study = await runStudy(2, 6, true, enqueued);
    expect(study.trials[5].params.x as number).toBeGreaterThan(0.5);
  });

  it('spreads a batch: trials planned before any is told are different points, the same for a seed', async () => {
    const plan = async () => {
      const study = await runStudy(3, 8, false);
      const planned = await study.createPendingTrials(4, (t) => {
        t.suggestFloat('x', 0, 1);
        t.suggestFloat('y', -1, 1);
      });
      return planned.map((t) => [t.params.x as number, t.params.y as number]);
    };
    const points = await plan();
    for (let a = 0; a < points.length; a++) {
      for (let b = 0; b < a; b++) {
        expect(Math.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1])).toBeGreaterThan(1e-3);
      }
    }
    expect(await plan()).toEqual(points);
  });

  it('handles three objectives', async () => {
    const study = await createStudy({
      directions: ['minimize', 'minimize', 'maximize'],
      sampler: new GpSampler({ seed: 6, nStartupTrials: 4 }),
    });
    await study.optimize(
      (t) => {
        const x = t.suggestFloat('x', 0, 1);
        const y = t.suggestFloat('y', 0, 1);
        return [x, y, x + y];
      },
      { nTrials: 8 },
    );
    expect(study.trials.filter((t) => t.state === 'COMPLETE')).toHaveLength(8);
  });
});
