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

  it('runs a TPE study to exactly its budget and finds a good value', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'branin-tpe',
        objective: { builtin: 'branin' },
        sampler: { type: 'tpe' },
        budget: { nTrials: 60, maxParallel: 4 },
        // Over seeds 0..9 this setting (60 trials, 4 at a time) reaches a median best of 0.448.
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
    // The reference's random search reaches a median best of f* + 0.198 on branin in 100 trials.
    expect(study.best.values[0]).toBeLessThan(0.3979 + 0.198);
    const workers = new Set(page.items.map((t: { worker: string }) => t.worker));
    expect(workers.size).toBe(2);
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
    const withToken = await fetch(`${platform.url}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(withToken.status).toBe(200);
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
    await new Promise((r) => setTimeout(r, 1500));
    const { body: a } = await platform.request(`/studies/${created.body.id}`);
    await new Promise((r) => setTimeout(r, 1500));
    const { body: b } = await platform.request(`/studies/${created.body.id}`);
    expect(b.counts).toEqual(a.counts);
    expect(b.counts.RUNNING + b.counts.WAITING).toBe(0);
    const resumed = await platform.request(`/studies/${created.body.id}/resume`, { method: 'POST' });
    expect(resumed.body.state).toBe('RUNNING');
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
        /searchSpace\.x\.low: .*must be <= high/,
      ],
      [
        'log with low <= 0',
        space([{ name: 'x', type: 'float', low: 0, high: 1, log: true }]),
        /searchSpace\.x\.low: .*must be > 0 with log/,
      ],
      [
        'log with step',
        space([{ name: 'x', type: 'float', low: 1, high: 9, log: true, step: 1 }]),
        /searchSpace\.x\.step: .*cannot be used with log/,
      ],
      [
        'range not a multiple of step',
        space([{ name: 'x', type: 'float', low: 0, high: 1, step: 0.3 }]),
        /searchSpace\.x\..*multiple of step/,
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
        /searchSpace\.C\.when/,
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
      ['missing objective', { name: 'x', budget: { nTrials: 2 } }, /objective/],
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
        'pruning with two objectives',
        { ...valid, directions: ['minimize', 'maximize'], pruner: { type: 'median' } },
        /pruner/,
      ],
      ['grid without a grid', { ...valid, sampler: { type: 'grid' } }, /sampler/],
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
