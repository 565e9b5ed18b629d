import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(180_000);

/**
 * Ask and tell over REST, route by route, against the real processes (api, scheduler, no worker): a
 * client-only study run to its budget by hand, the lease's fencing and the field-level refusals.
 */
describe('ask and tell over REST', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({ workers: 0, token: 'ask-tell-e2e-token-0123456789' });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const post = (path: string, body: unknown) => platform.request(path, { body });

  it('runs a client-only study to exactly its budget, then answers 409 budget', async () => {
    const created = await post('/studies', {
      name: 'client-only',
      searchSpace: [{ name: 'x', type: 'float', low: -2, high: 2 }],
      sampler: { type: 'tpe' },
      pruner: { type: 'none' },
      budget: { nTrials: 3, maxParallel: 1 },
      seed: 3,
    });
    expect(created.status).toBe(201);
    expect(created.body.definition.objective).toEqual({ kind: 'client' });

    const asked = [];
    for (let i = 0; i < 3; i++) {
      // More than maxParallel in flight: client asks are bounded by the budget only.
      const res = await post('/studies/client-only/ask', { client: 'e2e', leaseSeconds: 30 });
      expect(res.status).toBe(201);
      asked.push(res.body);
    }
    expect(asked.map((a) => a.number)).toEqual([0, 1, 2]);
    for (const a of asked) {
      expect(a.params.x).toBeGreaterThanOrEqual(-2);
      expect(a.params.x).toBeLessThanOrEqual(2);
      expect(a.distributions.x).toEqual({ type: 'float', low: -2, high: 2, log: false, step: null });
      expect(a.lease.seconds).toBe(30);
    }
    const spent = await post('/studies/client-only/ask', {});
    expect(spent.status).toBe(409);
    expect(spent.body.reason).toBe('budget');

    const beat = await post('/studies/client-only/trials/0/heartbeat', { token: asked[0].lease.token });
    expect(beat.status).toBe(200);
    expect(Date.parse(beat.body.expiresAt)).toBeGreaterThan(Date.now() + 25_000);

    // Define-by-run: a parameter met at run time, the same value again for the same name.
    const s1 = await post('/studies/client-only/trials/0/suggest', {
      name: 'layers',
      distribution: { type: 'int', low: 1, high: 4 },
      token: asked[0].lease.token,
    });
    expect(s1.status).toBe(200);
    const s2 = await post('/studies/client-only/trials/0/suggest', {
      name: 'layers',
      distribution: { type: 'int', low: 1, high: 4 },
      token: asked[0].lease.token,
    });
    expect(s2.body).toEqual(s1.body);
    const conflict = await post('/studies/client-only/trials/0/suggest', {
      name: 'layers',
      distribution: { type: 'int', low: 1, high: 8 },
      token: asked[0].lease.token,
    });
    expect(conflict.status).toBe(400);
    expect(conflict.body.errors[0].field).toBe('distribution');

    // Another lease's token is refused and changes nothing.
    const stale = await post('/studies/client-only/trials/0/tell', { token: asked[1].lease.token, value: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('lease-lost');

    for (const [i, a] of asked.entries()) {
      const told = await post(`/studies/client-only/trials/${a.number}/tell`, {
        token: a.lease.token,
        value: i,
        userAttrs: { host: 'e2e' },
      });
      expect(told.status).toBe(200);
      expect(told.body).toMatchObject({ state: 'COMPLETE', values: [i], userAttrs: { host: 'e2e' } });
    }
    // The same tell again (a lost answer): the trial as it ended; another result: 409.
    const again = await post('/studies/client-only/trials/0/tell', { token: asked[0].lease.token, value: 0 });
    expect(again.status).toBe(200);
    const other = await post('/studies/client-only/trials/0/tell', { token: asked[0].lease.token, value: 5 });
    expect(other.status).toBe(409);
    expect(other.body.reason).toBe('already-told');
    const late = await post('/studies/client-only/trials/1/heartbeat', { token: asked[1].lease.token });
    expect(late.status).toBe(409);
    expect(late.body.reason).toBe('lease-lost');

    const study = await waitForStudy(platform, 'client-only');
    expect(study.state).toBe('COMPLETED');
    expect(study.counts).toMatchObject({ COMPLETE: 3, RUNNING: 0, WAITING: 0 });
    const done = await post('/studies/client-only/ask', {});
    expect(done.status).toBe(409);
    expect(done.body.reason).toBe('completed');
  });

  it('refuses bad input with a 400 naming the field, and unknown studies and trials with 404', async () => {
    await post('/studies', { name: 'client-checks', budget: { nTrials: 2 }, pruner: { type: 'none' } });
    const badLease = await post('/studies/client-checks/ask', { leaseSeconds: 2 });
    expect(badLease.status).toBe(400);
    expect(badLease.body.errors[0].field).toBe('leaseSeconds');
    const badParam = await post('/studies/client-checks/ask', {
      params: { lr: { type: 'float', low: 1, high: 0 } },
    });
    expect(badParam.status).toBe(400);
    expect(badParam.body.errors[0].field).toBe('params.lr');
    const asked = await post('/studies/client-checks/ask', {});
    expect(asked.status).toBe(201);
    const token = asked.body.lease.token;
    const badStep = await post('/studies/client-checks/trials/0/report', { step: -1, value: 1, token });
    expect(badStep.status).toBe(400);
    expect(badStep.body.errors[0].field).toBe('step');
    const noValue = await post('/studies/client-checks/trials/0/tell', { token });
    expect(noValue.status).toBe(400);
    expect(noValue.body.errors[0].field).toBe('value');
    const noToken = await post('/studies/client-checks/trials/0/heartbeat', {});
    expect(noToken.status).toBe(400);
    expect(noToken.body.errors[0].field).toBe('token');
    expect((await post('/studies/nope/ask', {})).status).toBe(404);
    expect((await post('/studies/client-checks/trials/7/heartbeat', { token })).status).toBe(404);
    const unauthorized = await platform.request('/studies/client-checks/ask', { body: {}, auth: false });
    expect(unauthorized.status).toBe(401);
    for (const res of [badLease, badParam, badStep, noValue, noToken])
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:/);
  });

  it('shows the routes and their bodies on the OpenAPI page', async () => {
    const { body } = await platform.request('/docs-json');
    const routes = {
      '/studies/{id}/ask': 'AskTrialDto',
      '/studies/{id}/trials/{number}/heartbeat': 'HeartbeatDto',
      '/studies/{id}/trials/{number}/suggest': 'SuggestParamDto',
      '/studies/{id}/trials/{number}/report': 'ReportValueDto',
      '/studies/{id}/trials/{number}/tell': 'TellTrialDto',
    };
    for (const [path, dto] of Object.entries(routes)) {
      const ref = body.paths[path]?.post?.requestBody?.content?.['application/json']?.schema?.$ref;
      expect(ref).toBe(`#/components/schemas/${dto}`);
    }
    expect(Object.keys(body.components.schemas.TellTrialDto.properties).sort()).toEqual([
      'constraints',
      'failReason',
      'state',
      'token',
      'userAttrs',
      'value',
      'values',
    ]);
    expect(body.components.schemas.AskTrialDto.properties.leaseSeconds).toMatchObject({
      minimum: 5,
      maximum: 3600,
    });
  });

  it('hands out an enqueued trial first; its fixed values answer suggest', async () => {
    await post('/studies', { name: 'client-enqueued', budget: { nTrials: 2 }, pruner: { type: 'none' } });
    expect((await post('/studies/client-enqueued/trials', { params: { layers: 5 } })).status).toBe(201);
    // An asked distribution that the enqueued value does not fit: 400, and the trial waits for another ask.
    const misfit = await post('/studies/client-enqueued/ask', {
      params: { layers: { type: 'int', low: 1, high: 3 } },
    });
    expect(misfit.status).toBe(400);
    expect(misfit.body.errors[0].field).toBe('params.layers');
    const asked = await post('/studies/client-enqueued/ask', {});
    expect(asked.body).toMatchObject({ number: 0, params: {} });
    const layers = await post('/studies/client-enqueued/trials/0/suggest', {
      name: 'layers',
      distribution: { type: 'int', low: 1, high: 9 },
      token: asked.body.lease.token,
    });
    expect(layers.body).toEqual({ name: 'layers', value: 5 });
    const fresh = await post('/studies/client-enqueued/ask', {});
    expect(fresh.body.number).toBe(1);
  });
});
