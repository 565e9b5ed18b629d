import { createStudy, MedianPruner, RandomSampler, TrialPruned } from '@tuneforge/core';
import { TuneforgeClient, type ObjectiveTrial } from '../clients/typescript/src';
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(240_000);

/**
 * The TypeScript client against the real processes: one objective, written against the Trial API,
 * runs remotely (define-by-run suggest, reports, pruning) and embedded; a study mixing queue workers
 * and clients ends with exactly its budget.
 */
describe('the TypeScript client', () => {
  let platform: Platform;
  const token = 'ts-client-e2e-token-0123456789';
  const clients: TuneforgeClient[] = [];
  const client = () => {
    const c = new TuneforgeClient({ url: platform.url, token });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    platform = await startPlatform({ workers: 2, token, env: { TUNEFORGE_ALLOW_INLINE_COMMANDS: '1' } });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await platform?.stop();
  });

  // Odd trials report a curve far above the even ones (which all report 1: never above the median):
  // once two even trials completed, the median pruner stops every odd trial at its first report.
  // Parameters are met at run time (no searchSpace); the library's TrialPruned serves both runs.
  const objective = async (trial: ObjectiveTrial): Promise<number> => {
    const x = trial.suggestFloat('x', 0, 1);
    const kind = trial.suggestCategorical('kind', ['a', 'b']);
    if (trial.suggestFloat('x', 0, 1) !== x) throw new Error('a parameter suggested again changed');
    await trial.setUserAttr('kind', kind);
    const level = trial.number % 2 === 0 ? 1 : 10;
    for (let step = 0; step < 3; step++) {
      await trial.report(level, step);
      if (trial.shouldPrune()) throw new TrialPruned();
    }
    return level + x / 10;
  };

  it('runs a client-only study to exactly nTrials, with define-by-run parameters and pruning', async () => {
    const remote = client();
    const study = await remote.createStudy({
      name: 'ts-client-only',
      sampler: { type: 'tpe' },
      pruner: { type: 'median', options: { nStartupTrials: 2, nWarmupSteps: 0 } },
      budget: { nTrials: 12, maxParallel: 1 },
      seed: 1,
    });
    const told: number[] = [];
    // More than the budget: the loop ends when the platform answers 409 budget.
    await study.optimize(objective, {
      nTrials: 50,
      concurrency: 2,
      callbacks: [(t) => void told.push(t.number)],
    });
    expect([...told].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);

    const info = await waitForStudy(platform, 'ts-client-only');
    expect(info.state).toBe('COMPLETED');
    const trials = await study.trials();
    expect(trials.map((t) => t.number)).toEqual([...Array(12).keys()]);
    for (const t of trials) {
      expect(Object.keys(t.params).sort()).toEqual(['kind', 'x']);
      expect(t.userAttrs.kind).toBe(t.params.kind);
      expect(t.worker).toMatch(/^client:client:60s:/);
      // Even trials are below every median: never pruned.
      if (t.number % 2 === 0) expect(t.state).toBe('COMPLETE');
    }
    // When trial 9 or 11 reports, at least two even trials completed before (two trials run at once).
    expect(trials[9].state).toBe('PRUNED');
    expect(trials[11].state).toBe('PRUNED');
    expect(trials[11].values).toEqual([10]);
  });

  it('runs the same objective embedded with the library', async () => {
    const embedded = await createStudy({
      sampler: new RandomSampler({ seed: 1 }),
      pruner: new MedianPruner({ nStartupTrials: 2, nWarmupSteps: 0 }),
    });
    await embedded.optimize(objective, { nTrials: 6, catch: [] });
    expect(embedded.trials.map((t) => t.state)).toEqual([
      'COMPLETE',
      'COMPLETE',
      'COMPLETE',
      'PRUNED',
      'COMPLETE',
      'PRUNED',
    ]);
  });

  it('completes a study mixing 2 queue workers and 2 clients with exactly its budget', async () => {
    const nTrials = 30;
    const created = await platform.request('/studies', {
      body: {
        name: 'ts-mixed',
        // A queue trial takes 0.2 s: the clients start long before the workers could spend the budget.
        objective: { inlineCommand: ['sh', '-c', 'sleep 0.2; echo tuneforge:result value=1'] },
        searchSpace: [{ name: 'x', type: 'float', low: -1, high: 1 }],
        sampler: { type: 'random' },
        pruner: { type: 'none' },
        budget: { nTrials, maxParallel: 2 },
        seed: 5,
      },
    });
    expect(created.status).toBe(201);
    const byClient: number[][] = [[], []];
    await Promise.all(
      [0, 1].map(async (i) => {
        const study = await client().loadStudy('ts-mixed');
        await study.optimize(
          async (trial) => {
            await new Promise((r) => setTimeout(r, 50));
            return trial.suggestFloat('x', -1, 1) ** 2;
          },
          { client: `c${i}`, callbacks: [(t) => void byClient[i].push(t.number)] },
        );
      }),
    );
    const info = await waitForStudy(platform, 'ts-mixed');
    expect(info.state).toBe('COMPLETED');
    const { body } = await platform.request('/studies/ts-mixed/trials?limit=1000');
    expect(body.total).toBe(nTrials);
    const numbers = body.items.map((t: { number: number }) => t.number);
    expect(numbers).toEqual([...Array(nTrials).keys()]);
    expect(body.items.every((t: { state: string }) => t.state === 'COMPLETE')).toBe(true);
    const clientRun = body.items.filter((t: { worker: string }) => t.worker.startsWith('client:'));
    const workerRun = body.items.filter((t: { worker: string }) => t.worker.startsWith('worker-'));
    expect(clientRun.length + workerRun.length).toBe(nTrials);
    expect(clientRun.length).toBe(byClient[0].length + byClient[1].length);
    expect(new Set([...byClient[0], ...byClient[1]]).size).toBe(clientRun.length);
    expect(byClient[0].length).toBeGreaterThan(0);
    expect(byClient[1].length).toBeGreaterThan(0);
    expect(workerRun.length).toBeGreaterThan(0);
  });
});
