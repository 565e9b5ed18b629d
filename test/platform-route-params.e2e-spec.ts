import { startPlatform, type Platform } from './support/platform-harness';

jest.setTimeout(120_000);

const TOKEN = 'e2e-token-route-params-0123456789';

/** Every `:id` and `:number` route of the API, as [method, path of the study or trial]. */
const STUDY_ROUTES: Array<[string, string]> = [
  ['GET', '/studies/:id'],
  ['POST', '/studies/:id/stop'],
  ['POST', '/studies/:id/resume'],
  ['DELETE', '/studies/:id'],
  ['GET', '/studies/:id/trials'],
  ['GET', '/studies/:id/trials.csv'],
  ['GET', '/studies/:id/trials/0'],
  ['POST', '/studies/:id/trials'],
  ['GET', '/studies/:id/plots'],
  ['GET', '/studies/:id/importances'],
  ['GET', '/studies/:id/pareto'],
  ['GET', '/studies/:id/events'],
];

/**
 * Route ids: an all-digit `:id` is a study id (1..2147483647, no leading zeros), any other valid name is a
 * name; `:number` is a trial number (0..2147483647). Anything else is a 400 naming the parameter, never a
 * 500; a well-formed id of no study is a 404. Study names cannot be all digits.
 */
describe('route ids and study names', () => {
  let platform: Platform;
  let studyId: number;

  const send = (method: string, path: string) =>
    platform.request(path, { method, body: method === 'POST' ? { params: {} } : undefined });

  const expectBadParam = (res: { status: number; body: any }, field: string) => {
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.errors).toEqual([{ field, messages: [expect.any(String)] }]);
  };

  beforeAll(async () => {
    platform = await startPlatform({ workers: 0, token: TOKEN });
    const created = await platform.request('/studies', {
      body: { name: '1abc', objective: { builtin: 'branin' }, budget: { nTrials: 2, maxParallel: 1 } },
    });
    expect(created.status).toBe(201);
    studyId = created.body.id;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  describe.each(STUDY_ROUTES)('%s %s', (method, route) => {
    const path = (id: string) => route.replace(':id', id);
    it.each(['2147483648', '99999999999999999999', '01', '0', '+1', '%201', '-1'])(
      'refuses the id %j with a 400 naming id',
      async (id) => {
        expectBadParam(await send(method, path(id)), 'id');
      },
    );

    it('answers 404 for an id in range that no study has', async () => {
      const res = await send(method, path('2147483647'));
      expect(res.status).toBe(404);
    });

    it('reads 0x10 as a name, and no study has it', async () => {
      const res = await send(method, path('0x10'));
      expect(res.status).toBe(404);
    });
  });

  it.each(['0x10', '1e3', 'abc', '+1', '%201', '01', '-1', '2147483648'])(
    'refuses the trial number %j with a 400 naming number',
    async (number) => {
      expectBadParam(await platform.request(`/studies/${studyId}/trials/${number}`), 'number');
    },
  );

  it('answers 404 for a trial number in range that the study does not have', async () => {
    expect((await platform.request(`/studies/${studyId}/trials/2147483647`)).status).toBe(404);
  });

  it('refuses an all-digit study name, and stores nothing', async () => {
    const before = (await platform.request('/studies')).body.length;
    const res = await platform.request('/studies', {
      body: { name: '12345', objective: { builtin: 'branin' }, budget: { nTrials: 2 } },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'name', messages: [expect.stringMatching(/all digits/)] }]);
    expect((await platform.request('/studies')).body.length).toBe(before);
  });

  it('finds a study whose name starts with a digit by name and by id', async () => {
    const byName = await platform.request('/studies/1abc');
    expect(byName.status).toBe(200);
    expect(byName.body.id).toBe(studyId);
    const byId = await platform.request(`/studies/${studyId}`);
    expect(byId.body.name).toBe('1abc');
    const enqueued = await platform.request('/studies/1abc/trials', { body: { params: { x1: 1, x2: 2 } } });
    expect(enqueued.status).toBe(201);
    const trial = await platform.request(`/studies/1abc/trials/${enqueued.body.number}`);
    expect(trial.status).toBe(200);
    expect(trial.body.number).toBe(enqueued.body.number);
  });
});
