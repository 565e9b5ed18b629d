import { join } from 'node:path';
import { queueKeyPrefix, REFILL_QUEUE } from '@tuneforge/platform';
import { Queue } from 'bullmq';
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..');

/**
 * The study routes as a user meets them: the lifecycle (libs/platform study-lifecycle.ts) and the check of
 * enqueued parameters. The platform starts without workers, so that nothing runs until the test spawns
 * them: the states and trial tables it looks at cannot move under it.
 */
describe('study routes: lifecycle and enqueued parameters', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({
      workers: 0,
      env: {
        TUNEFORGE_OBJECTIVES_DIR: join(ROOT, 'examples', 'objectives'),
        TUNEFORGE_ALLOW_INLINE_COMMANDS: '1',
      },
    });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const create = async (body: Record<string, unknown>) => {
    const res = await platform.request('/studies', { body });
    expect(res.status).toBe(201);
    return res.body as { id: number; name: string };
  };
  const post = (path: string, body?: unknown) => platform.request(path, { method: 'POST', body });
  const trialsOf = async (id: number) => (await platform.request(`/studies/${id}/trials?limit=1000`)).body;

  /** Waits until no refill of the platform is queued or under way, then returns the study's trials. */
  async function settledTrials(id: number): Promise<any> {
    const refills = new Queue(REFILL_QUEUE, {
      connection: { host: '127.0.0.1', port: 6379 },
      prefix: queueKeyPrefix(platform.prefix),
    });
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const counts = await refills.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
        if (Object.values(counts).every((n) => n === 0)) return trialsOf(id);
        if (Date.now() > deadline) throw new Error(`refills still pending: ${JSON.stringify(counts)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await refills.close();
    }
  }

  const quadratic = {
    objective: { builtin: 'quadratic' },
    sampler: { type: 'random' },
    pruner: { type: 'none' },
    seed: 3,
  };
  // A registered shell command with a declarative space of every kind (it reads x and y).
  const command = {
    objective: { command: 'shell-quadratic' },
    sampler: { type: 'random' },
    pruner: { type: 'none' },
    searchSpace: [
      { name: 'x', type: 'float', low: -5, high: 5, step: 0.5 },
      { name: 'y', type: 'int', low: -5, high: 5 },
      { name: 'c', type: 'categorical', choices: ['a', 'b'] },
    ],
    seed: 4,
  };
  const ids: Record<string, number> = {};

  it('refuses an enqueued trial once all trials of the budget exist (409), on a RUNNING study', async () => {
    const { id } = await create({ ...quadratic, name: 'full', budget: { nTrials: 2, maxParallel: 2 } });
    ids.full = id;
    const deadline = Date.now() + 30_000;
    while ((await trialsOf(id)).total < 2) {
      if (Date.now() > deadline) throw new Error('the scheduler did not create the 2 trials');
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = await settledTrials(id);
    const res = await post(`/studies/${id}/trials`, { params: { x: 1 } });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: `Study ${id} is RUNNING with all 2 trials of its budget (budget.nTrials) created: an enqueued trial would run past it; create a new study (POST /studies) to run more trials.`,
    });
    expect(await trialsOf(id)).toEqual(before);
  });

  it('stops and resumes idempotently, and enqueues on a STOPPED study', async () => {
    const { id } = await create({ ...quadratic, name: 'roundtrip', budget: { nTrials: 6, maxParallel: 2 } });
    ids.roundtrip = id;
    for (let i = 0; i < 2; i++) {
      const stopped = await post(`/studies/${id}/stop`);
      expect([stopped.status, stopped.body.state]).toEqual([200, 'STOPPED']);
    }
    const enqueued = await post(`/studies/${id}/trials`, { params: { x: 1.5 } });
    expect(enqueued.status).toBe(201);
    expect(enqueued.body).toMatchObject({ state: 'WAITING', params: {} });
    expect((await platform.request(`/studies/${id}`)).body.state).toBe('STOPPED');
    for (let i = 0; i < 2; i++) {
      const resumed = await post(`/studies/${id}/resume`);
      expect([resumed.status, resumed.body.state]).toEqual([200, 'RUNNING']);
    }
  });

  describe('enqueued parameters are checked against the study space: 400 naming each, nothing stored', () => {
    beforeAll(async () => {
      ids.space = (await create({ ...command, name: 'space', budget: { nTrials: 4, maxParallel: 1 } })).id;
      expect((await post(`/studies/${ids.space}/stop`)).status).toBe(200);
    });

    const cases: Array<[string, string, Record<string, unknown>, Array<[string, string]>]> = [
      ['out of range', 'space', { x: 7 }, [['params.x', '7 is outside float(low=-5, high=5, step=0.5)']]],
      [
        'off the step grid',
        'space',
        { x: 0.3 },
        [['params.x', '0.3 is not on the step grid of float(low=-5, high=5, step=0.5) (low + k * step)']],
      ],
      [
        'a string for a float',
        'space',
        { x: 'abc' },
        [['params.x', 'must be a number in float(low=-5, high=5, step=0.5), got "abc"']],
      ],
      [
        'null for a float',
        'space',
        { x: null },
        [['params.x', 'must be a number in float(low=-5, high=5, step=0.5), got null']],
      ],
      [
        'a fraction for an int',
        'space',
        { y: 1.5 },
        [['params.y', 'must be an integer in int(low=-5, high=5), got 1.5']],
      ],
      ['not one of the choices', 'space', { c: 'z' }, [['params.c', 'must be one of ["a","b"], got "z"']]],
      [
        'an unknown name',
        'space',
        { x: 1, z: 1 },
        [['params.z', "'z' is not a parameter of the study's search space; its parameters: x, y, c"]],
      ],
      [
        'an object',
        'space',
        { x: { v: 1 } },
        [['params.x', 'must be a string, a number, a boolean or null, got {"v":1}']],
      ],
      [
        'two bad ones, both named',
        'space',
        { x: 9, y: 'two' },
        [
          ['params.x', '9 is outside float(low=-5, high=5, step=0.5)'],
          ['params.y', 'must be a number in int(low=-5, high=5), got "two"'],
        ],
      ],
      [
        'out of a built-in problem range',
        'roundtrip',
        { x: 11 },
        [['params.x', '11 is outside float(low=-10, high=10)']],
      ],
      [
        'unknown to a built-in problem',
        'roundtrip',
        { x1: 0 },
        [['params.x1', "'x1' is not a parameter of the study's search space; its parameters: x"]],
      ],
    ];

    it.each(cases)('%s', async (_name, study, params, expected) => {
      const id = ids[study];
      const before = await settledTrials(id);
      const res = await post(`/studies/${id}/trials`, { params });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expected.map(([field, message]) => `${field}: ${message}`).join('; '),
        errors: expected.map(([field, message]) => ({ field, messages: [message] })),
      });
      expect(await trialsOf(id)).toEqual(before);
    });

    it('takes valid and partial parameters (201); missing ones are sampled', async () => {
      const whole = await post(`/studies/${ids.space}/trials`, { params: { x: 1.5, y: -1, c: 'b' } });
      expect(whole.status).toBe(201);
      const partial = await post(`/studies/${ids.space}/trials`, { params: { y: 2 } });
      expect(partial.status).toBe(201);
      ids.whole = whole.body.number;
      ids.partial = partial.body.number;
      expect((await post(`/studies/${ids.space}/resume`)).status).toBe(200);
    });

    it('takes any JSON scalar for a module objective (its space is defined as it runs), but no object', async () => {
      const { id } = await create({
        name: 'module-any',
        objective: { module: 'conditional' },
        pruner: { type: 'none' },
        budget: { nTrials: 3, maxParallel: 1 },
      });
      expect((await post(`/studies/${id}/stop`)).status).toBe(200);
      const before = await settledTrials(id);
      const bad = await post(`/studies/${id}/trials`, { params: { model: ['svm'] } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([
        { field: 'params.model', messages: ['must be a string, a number, a boolean or null, got ["svm"]'] },
      ]);
      expect(await trialsOf(id)).toEqual(before);
      const any = await post(`/studies/${id}/trials`, { params: { model: 'svm', anything: null, n: 'abc' } });
      expect(any.status).toBe(201);
      expect((await platform.request(`/studies/${id}`, { method: 'DELETE' })).status).toBe(204);
    });
  });

  it('runs every study to exactly its budget once workers come, the enqueued trials with their parameters', async () => {
    platform.spawnRole('worker');
    platform.spawnRole('worker');

    const roundtrip = await waitForStudy(platform, ids.roundtrip, 120_000);
    expect(roundtrip.state).toBe('COMPLETED');
    const rt = await trialsOf(ids.roundtrip);
    expect(rt.total).toBe(6);
    expect(rt.items.map((t: any) => [t.number, t.state])).toEqual(
      Array.from({ length: 6 }, (_, i) => [i, 'COMPLETE']),
    );
    const fixed = rt.items.filter((t: any) => t.params.x === 1.5);
    expect(fixed).toHaveLength(1);
    expect(fixed[0].values).toEqual([0.25]);

    const space = await waitForStudy(platform, ids.space, 120_000);
    expect(space.state).toBe('COMPLETED');
    expect(space.counts.COMPLETE).toBe(4);
    const whole = (await platform.request(`/studies/${ids.space}/trials/${ids.whole}`)).body;
    expect(whole).toMatchObject({ state: 'COMPLETE', params: { x: 1.5, y: -1, c: 'b' }, values: [0.25] });
    const partial = (await platform.request(`/studies/${ids.space}/trials/${ids.partial}`)).body;
    expect(partial.state).toBe('COMPLETE');
    expect(partial.params.y).toBe(2);
    expect(['a', 'b']).toContain(partial.params.c);
    expect(partial.values[0]).toBeCloseTo((partial.params.x - 2) ** 2 + 9, 9);

    const full = await waitForStudy(platform, ids.full, 120_000);
    expect([full.state, full.counts.COMPLETE]).toEqual(['COMPLETED', 2]);
  });

  it('keeps the budget over a stop/resume round trip while trials run: exactly nTrials trials', async () => {
    // Each trial takes 0.3 s, two at a time: the 10 trials take 1.5 s at least, and the stop comes right
    // after the study is created, while its first trials run.
    const { id } = await create({
      name: 'slow-roundtrip',
      objective: { inlineCommand: ['sh', '-c', 'sleep 0.3; echo tuneforge:result value=1'] },
      searchSpace: [{ name: 'x', type: 'float', low: 0, high: 1 }],
      sampler: { type: 'random' },
      pruner: { type: 'none' },
      budget: { nTrials: 10, maxParallel: 2 },
    });
    const stopped = await post(`/studies/${id}/stop`);
    expect([stopped.status, stopped.body.state]).toEqual([200, 'STOPPED']);
    // The trials in flight at the stop end; no new one starts.
    let settled: any;
    const deadline = Date.now() + 60_000;
    for (;;) {
      settled = await settledTrials(id);
      const inFlight = settled.items.filter((t: any) => t.state === 'RUNNING' || t.state === 'WAITING');
      if (inFlight.length === 0) break;
      if (Date.now() > deadline) throw new Error(`trials still in flight: ${JSON.stringify(inFlight)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(settled.total).toBeLessThan(10);
    expect((await platform.request(`/studies/${id}`)).body.state).toBe('STOPPED');

    const resumed = await post(`/studies/${id}/resume`);
    expect([resumed.status, resumed.body.state]).toEqual([200, 'RUNNING']);
    const study = await waitForStudy(platform, id, 120_000);
    expect(study.state).toBe('COMPLETED');
    const trials = await trialsOf(id);
    expect(trials.items.map((t: any) => [t.number, t.state])).toEqual(
      Array.from({ length: 10 }, (_, i) => [i, 'COMPLETE']),
    );
  });

  it('refuses stop, resume and enqueue on a COMPLETED study with 409, and changes nothing', async () => {
    const id = ids.roundtrip;
    const before = await trialsOf(id);
    const expected: Array<[string, unknown, string]> = [
      [
        'stop',
        undefined,
        'cannot stop it, it has ended (budget, timeout or search space spent) and has nothing to stop; read its results, or delete it.',
      ],
      [
        'resume',
        undefined,
        'cannot resume it, its budget is spent and it cannot run again; create a new study (POST /studies) to run more trials.',
      ],
      [
        'trials',
        { params: { x: 1 } },
        'cannot enqueue a trial on it, it runs no more trials; create a new study (POST /studies) and enqueue the trial there.',
      ],
    ];
    for (const [route, body, message] of expected) {
      const res = await post(`/studies/${id}/${route}`, body);
      expect([res.status, res.body]).toEqual([
        409,
        { statusCode: 409, error: 'Conflict', message: `Study ${id} is COMPLETED: ${message}` },
      ]);
    }
    // A while later (sweeps run every second): still COMPLETED, the same 6 trials.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await platform.request(`/studies/${id}`)).body.state).toBe('COMPLETED');
    expect(await trialsOf(id)).toEqual(before);
  });

  it('refuses a query parameter that a read route does not take, naming it, instead of ignoring it', async () => {
    const id = ids.roundtrip;
    for (const [path, name] of [
      ['/studies?state=RUNNING', 'state'],
      [`/studies/${id}?verbose=1`, 'verbose'],
      [`/studies/${id}/trials.csv?limit=5`, 'limit'],
      [`/studies/${id}/trials/0?fields=params`, 'fields'],
      ['/pools?queue=x', 'queue'],
      [`/studies/${id}/events?x=1`, 'x'],
    ]) {
      const res = await platform.request(path);
      expect([path, res.status, res.body.errors]).toEqual([
        path,
        400,
        [{ field: name, messages: [`property ${name} should not exist`] }],
      ]);
    }
    // Without one, each answers.
    for (const path of ['/studies', `/studies/${id}`, `/studies/${id}/trials/0`, '/pools']) {
      expect([path, (await platform.request(path)).status]).toEqual([path, 200]);
    }
  });
});
