import { createStudy, NopPruner, TpeSampler } from '@tuneforge/core';
import { queueKeyPrefix, REFILL_QUEUE } from '@tuneforge/platform';
import { getBuiltinProblem, suggestProblemParams } from '@tuneforge/sandbox';
import { Queue } from 'bullmq';
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(180_000);

const TOKEN = 'e2e-token-0123456789abcdef';

describe('the platform: api + scheduler + 2 workers on Postgres and Redis', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({ workers: 2, token: TOKEN });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('runs a TPE study to exactly its budget, each trial once, its start-up trials from the seed', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'branin-tpe',
        objective: { builtin: 'branin' },
        sampler: { type: 'tpe' },
        budget: { nTrials: 60, maxParallel: 4 },
        seed: 6,
      },
    });
    expect(created.status).toBe(201);
    const study = await waitForStudy(platform, created.body.id);
    expect(study.state).toBe('COMPLETED');
    const { body: page } = await platform.request(`/studies/${study.id}/trials?limit=1000`);
    expect(page.total).toBe(60);
    expect(page.items.map((t: { number: number }) => t.number)).toEqual(
      Array.from({ length: 60 }, (_, i) => i),
    );
    expect(page.items.every((t: { state: string }) => t.state === 'COMPLETE')).toBe(true);
    // Each value is branin at the trial's own parameters, inside the box; the best is the least of them.
    // (How good the best is depends on which trials finished before others were planned: that is
    // measured over seeds by the benchmarks, not asserted here.)
    const branin = getBuiltinProblem('branin');
    const values: number[] = [];
    for (const t of page.items as Array<{ params: Record<string, number>; values: number[] }>) {
      expect(t.params.x1).toBeGreaterThanOrEqual(-5);
      expect(t.params.x1).toBeLessThanOrEqual(10);
      expect(t.params.x2).toBeGreaterThanOrEqual(0);
      expect(t.params.x2).toBeLessThanOrEqual(15);
      expect(t.values[0]).toBeCloseTo(branin.evaluate(t.params), 9);
      values.push(t.values[0]);
    }
    expect(study.best.values[0]).toBe(Math.min(...values));
    expect(study.best.values[0]).toBeGreaterThanOrEqual(branin.optimum - 1e-9);
    // The start-up trials (0-9) are the seed's draws whatever the timing: the same as embedded.
    const embedded = await createStudy({ sampler: new TpeSampler({ seed: 6 }), pruner: new NopPruner() });
    const startup: Array<Record<string, string | number>> = [];
    for (let i = 0; i < 10; i++) startup.push(suggestProblemParams(await embedded.ask(), branin));
    page.items.slice(0, 10).forEach((t: { params: Record<string, number> }, i: number) => {
      expect(t.params.x1).toBeCloseTo(startup[i].x1 as number, 12);
      expect(t.params.x2).toBeCloseTo(startup[i].x2 as number, 12);
    });
    // Every trial ran on one of the platform's workers (how they shared the work is up to the queue).
    const workerIds = platform.processes.filter((p) => p.role === 'worker').map((p) => p.workerId);
    for (const t of page.items) expect(workerIds).toContain(t.worker);
  });

  it('prunes weak learning curves with the median pruner, stopping their steps early', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'curves',
        objective: { builtin: 'learning_curve' },
        sampler: { type: 'tpe' },
        pruner: { type: 'median' },
        budget: { nTrials: 40, maxParallel: 4 },
        seed: 1,
      },
    });
    expect(created.status).toBe(201);
    const study = await waitForStudy(platform, created.body.id);
    expect(study.counts.PRUNED).toBeGreaterThan(0);
    expect(study.counts.COMPLETE + study.counts.PRUNED).toBe(40);
    const { body: pruned } = await platform.request(`/studies/${study.id}/trials?state=PRUNED&limit=1000`);
    for (const t of pruned.items) {
      const steps = Object.keys(t.intermediateValues).map(Number);
      expect(Math.max(...steps)).toBeLessThan(50);
    }
  });

  it('runs a grid study to the end of its grid, each point once, and completes', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'grid',
        objective: { builtin: 'branin' },
        sampler: { type: 'grid', grid: { x1: [-5, 0, 5], x2: [0, 15] } },
        pruner: { type: 'none' },
        budget: { nTrials: 100, maxParallel: 4 },
      },
    });
    expect(created.status).toBe(201);
    const study = await waitForStudy(platform, created.body.id);
    expect(study.state).toBe('COMPLETED');
    const { body: page } = await platform.request(`/studies/${study.id}/trials?limit=100`);
    const points = page.items.map((t: { params: Record<string, number> }) => `${t.params.x1},${t.params.x2}`);
    expect(points.sort()).toEqual(['-5,0', '-5,15', '0,0', '0,15', '5,0', '5,15']);
  });

  it('serves the trials as CSV and one trial by number', async () => {
    const { body: csv, status } = await platform.request('/studies/branin-tpe/trials.csv');
    expect(status).toBe(200);
    const lines = (csv as string).trim().split('\n');
    expect(lines[0]).toBe('number,state,value,params_x1,params_x2,datetime_start,datetime_complete');
    expect(lines).toHaveLength(61);
    const one = await platform.request('/studies/branin-tpe/trials/7');
    expect(one.body).toMatchObject({ number: 7, state: 'COMPLETE' });
    expect((await platform.request('/studies/branin-tpe/trials/999')).status).toBe(404);
  });

  it('needs the token for mutating routes and for Bull Board', async () => {
    const open = await platform.request('/studies', { body: { name: 'x' }, auth: false });
    expect(open.status).toBe(401);
    const board = await fetch(`${platform.url}/admin/queues/api/queues`);
    expect(board.status).toBe(401);
    expect(((await board.json()) as { message: string }).message).toBe(
      'Bull Board needs the API token: send Authorization: Bearer <TUNEFORGE_API_TOKEN>, or sign in with any user name and the token as the password.',
    );
    const withToken = await fetch(`${platform.url}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(withToken.status).toBe(200);
    // The scheme is case-insensitive (RFC 7235), for the API as for Bull Board.
    const lowerCase = { headers: { authorization: `bearer ${TOKEN}` } };
    expect((await fetch(`${platform.url}/admin/queues/api/queues`, lowerCase)).status).toBe(200);
    const stopUnknown = await fetch(`${platform.url}/studies/no-such-study/stop`, {
      method: 'POST',
      ...lowerCase,
    });
    expect(stopUnknown.status).toBe(404);
    const names = ((await withToken.json()) as { queues: Array<{ name: string }> }).queues
      .map((q) => q.name)
      .sort();
    expect(names).toEqual(['refill', 'trials']);
    const reads = await platform.request('/studies', { auth: false });
    expect(reads.status).toBe(200);
  });

  it('stops and resumes a study', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'stoppable',
        objective: { builtin: 'sphere5' },
        sampler: { type: 'random' },
        budget: { nTrials: 100000, maxParallel: 2 },
      },
    });
    const stopped = await platform.request(`/studies/${created.body.id}/stop`, { method: 'POST' });
    expect(stopped.body.state).toBe('STOPPED');
    // The trials running at the stop end, however long that takes on this machine; queued ones stay WAITING...
    const a = await waitForNoneRunning(platform, created.body.id);
    expect(a.counts.RUNNING).toBe(0);
    // ...and no new one starts afterwards.
    await new Promise((r) => setTimeout(r, 1500));
    const { body: b } = await platform.request(`/studies/${created.body.id}`);
    expect(b.counts).toEqual(a.counts);
    const resumed = await platform.request(`/studies/${created.body.id}/resume`, { method: 'POST' });
    expect(resumed.body.state).toBe('RUNNING');
    // Resumed, it runs trials again (those left WAITING first).
    const deadline = Date.now() + 30_000;
    let c = b;
    while (c.counts.COMPLETE <= a.counts.COMPLETE + a.counts.WAITING && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      c = (await platform.request(`/studies/${created.body.id}`)).body;
    }
    expect(c.counts.COMPLETE).toBeGreaterThan(a.counts.COMPLETE + a.counts.WAITING);
    await platform.request(`/studies/${created.body.id}/stop`, { method: 'POST' });
    const removed = await platform.request(`/studies/${created.body.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect((await platform.request(`/studies/${created.body.id}`)).status).toBe(404);
  });

  describe('bad study definitions get 400 naming the field, and nothing is stored', () => {
    const valid = {
      name: 'valid-name',
      objective: { builtin: 'branin' },
      budget: { nTrials: 10, maxParallel: 2 },
    };
    const space = (params: unknown[]) => ({ ...valid, searchSpace: params });
    const cases: Array<[string, unknown, RegExp]> = [
      ['unknown sampler', { ...valid, sampler: { type: 'annealing' } }, /sampler\.type/],
      ['unknown pruner', { ...valid, pruner: { type: 'sometimes' } }, /pruner\.type/],
      [
        'low > high',
        space([{ name: 'x', type: 'float', low: 2, high: 1 }]),
        /searchSpace\.0\.low: .*must be <= high/,
      ],
      [
        'log with low <= 0',
        space([{ name: 'x', type: 'float', low: 0, high: 1, log: true }]),
        /searchSpace\.0\.low: .*must be > 0 with log/,
      ],
      [
        'log with step',
        space([{ name: 'x', type: 'float', low: 1, high: 9, log: true, step: 1 }]),
        /searchSpace\.0\.step: .*cannot be used with log/,
      ],
      [
        'range not a multiple of step',
        space([{ name: 'x', type: 'float', low: 0, high: 1, step: 0.3 }]),
        /searchSpace\.0\..*multiple of step/,
      ],
      ['empty choices', space([{ name: 'c', type: 'categorical', choices: [] }]), /searchSpace\.0\.choices/],
      [
        'unknown parameter type',
        space([{ name: 'x', type: 'complex', low: 0, high: 1 }]),
        /searchSpace\.0\.type/,
      ],
      [
        'conditional on a missing parameter',
        space([{ name: 'C', type: 'float', low: 1, high: 2, when: { model: 'svm' } }]),
        /searchSpace\.0\.when/,
      ],
      ['unknown top-level field', { ...valid, colour: 'blue' }, /property colour should not exist/],
      [
        'unknown nested field',
        { ...valid, budget: { nTrials: 10, speed: 'fast' } },
        /budget\.speed|property speed should not exist/,
      ],
      ['nTrials of the wrong type', { ...valid, budget: { nTrials: 'ten' } }, /budget\.nTrials/],
      ['nTrials <= 0', { ...valid, budget: { nTrials: 0 } }, /budget\.nTrials/],
      ['maxParallel > nTrials', { ...valid, budget: { nTrials: 2, maxParallel: 5 } }, /budget\.maxParallel/],
      ['negative timeout', { ...valid, budget: { nTrials: 2, timeoutSec: -1 } }, /budget\.timeoutSec/],
      // Leaving the objective out makes a client-only study (ask and tell): only an empty one is refused.
      ['empty objective', { ...valid, objective: {} }, /objective: give exactly one/],
      ['client: false', { ...valid, objective: { client: false } }, /objective: give exactly one/],
      [
        'two objectives',
        { ...valid, objective: { builtin: 'branin', command: 'train' } },
        /objective: give exactly one/,
      ],
      [
        'unknown builtin problem',
        { ...valid, objective: { builtin: 'moon' } },
        /objective\.builtin: unknown problem 'moon'/,
      ],
      ['unregistered module', { ...valid, objective: { module: 'nowhere' } }, /objective\.module/],
      [
        'inline command when not allowed',
        { ...valid, objective: { inlineCommand: ['python3', 'x.py'] } },
        /objective\.inlineCommand/,
      ],
      ['bad direction', { ...valid, direction: 'up' }, /direction/],
      [
        'direction and directions',
        { ...valid, direction: 'minimize', directions: ['maximize'] },
        /directions/,
      ],
      ['negative seed', { ...valid, seed: -4 }, /seed/],
      ['name with spaces', { ...valid, name: 'my study' }, /name/],
      [
        'bad pruner option',
        { ...valid, pruner: { type: 'median', options: { nStartupTrials: -3 } } },
        /pruner.*nStartupTrials/,
      ],
      [
        // A built-in problem returns one value (pruning with two objectives: libs/platform's unit tests).
        'two directions on a built-in problem',
        { ...valid, directions: ['minimize', 'maximize'], pruner: { type: 'median' } },
        /"field":"directions"/,
      ],
      ['grid without a grid', { ...valid, sampler: { type: 'grid' } }, /sampler/],
      [
        'grid with an object value',
        { ...valid, sampler: { type: 'grid', grid: { x1: [0, { a: 1 }], x2: [1] } } },
        /the values of 'x1' must be strings, finite numbers/,
      ],
      [
        'grid value outside the space',
        { ...valid, sampler: { type: 'grid', grid: { x1: [0, 99], x2: [1] } } },
        /"field":"sampler.grid.x1.1".*99 is outside/,
      ],
      [
        'grid naming a parameter the space lacks',
        { ...valid, sampler: { type: 'grid', grid: { x1: [0], x2: [1], zz: [1] } } },
        /"field":"sampler.grid.zz".*not a parameter of the study's search space/,
      ],
      [
        'grid leaving a parameter out',
        { ...valid, sampler: { type: 'grid', grid: { x1: [0] } } },
        /"field":"sampler.grid.x2".*the grid has no values for 'x2'/,
      ],
      [
        'CMA-ES population too large',
        { ...valid, sampler: { type: 'cmaes', options: { popsize: 1e9 } } },
        /"field":"sampler".*popsize must be an integer from 2 to 10000/,
      ],
      [
        'unknown sampler option',
        { ...valid, sampler: { type: 'tpe', options: { bogus: 1 } } },
        /"field":"sampler.options".*unknown option 'bogus'/,
      ],
      [
        'unknown pruner option',
        { ...valid, pruner: { type: 'median', options: { bogus: 1 } } },
        /"field":"pruner.options".*unknown option 'bogus'/,
      ],
      [
        'bad sampler option',
        { ...valid, sampler: { type: 'tpe', options: { constantLiar: 'sometimes' } } },
        /sampler.*constantLiar must be true, false or one of/,
      ],
      ['missing budget', { name: 'x', objective: { builtin: 'branin' } }, /budget/],
    ];

    it.each(cases)('%s', async (_name, body, field) => {
      const before = (await platform.request('/studies')).body.length;
      const res = await platform.request('/studies', { body });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(field);
      expect((await platform.request('/studies')).body.length).toBe(before);
    });

    it('a duplicate name is a 409', async () => {
      const res = await platform.request('/studies', { body: { ...valid, name: 'branin-tpe' } });
      expect(res.status).toBe(409);
    });
  });
});

/**
 * Waits until a stopped study has settled: no refill is queued, delayed or under way (a refill that read
 * RUNNING just before the stop may still create trials; any later one reads STOPPED and creates none),
 * and then no trial of it is RUNNING or WAITING. Returns the study.
 */
/** Waits until no trial of the study runs and no refill is under way (its WAITING trials may stay: a STOPPED study). */
function waitForNoneRunning(platform: Platform, id: number | string): Promise<any> {
  return waitForSettled(platform, id, 30_000, (counts) => counts.RUNNING === 0);
}

async function waitForSettled(
  platform: Platform,
  id: number | string,
  timeoutMs = 30_000,
  settled: (counts: Record<string, number>) => boolean = (counts) => counts.RUNNING + counts.WAITING === 0,
): Promise<any> {
  const refills = new Queue(REFILL_QUEUE, {
    connection: { host: '127.0.0.1', port: 6379 },
    prefix: queueKeyPrefix(platform.prefix),
  });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await refills.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
      const refilling = Object.values(counts).reduce((a, b) => a + b, 0);
      const { body } = await platform.request(`/studies/${id}`);
      if (refilling === 0 && settled(body.counts)) return body;
      if (Date.now() > deadline) {
        throw new Error(
          `study ${id} not settled after ${timeoutMs} ms: ${JSON.stringify(body.counts)}, refills ${JSON.stringify(counts)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await refills.close();
  }
}
