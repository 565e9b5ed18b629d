import { TuneforgeClient } from '../clients/typescript/src';
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(240_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Client leases against the real processes, with the platform's own lease at its default (10 s): a
 * client that stops calling loses its trial once its lease (shorter or longer than the platform's)
 * lapses — back to WAITING for the next ask while retries allow, then FAIL — and a stale token is
 * refused; the client's heartbeats keep a long trial its own.
 */
describe('client leases', () => {
  let platform: Platform;
  let client: TuneforgeClient;
  const post = (path: string, body: unknown) => platform.request(path, { body });
  const trial = async (study: string, n: number) =>
    (await platform.request(`/studies/${study}/trials/${n}`)).body;

  async function until<T>(
    what: string,
    read: () => Promise<T>,
    ok: (v: T) => boolean,
    ms = 40_000,
  ): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
      await sleep(200);
    }
  }

  beforeAll(async () => {
    platform = await startPlatform({ workers: 0 });
    client = new TuneforgeClient({ url: platform.url });
  });

  afterAll(async () => {
    await client?.close();
    await platform?.stop();
  });

  const clientStudy = (name: string, nTrials: number) =>
    post('/studies', { name, budget: { nTrials }, pruner: { type: 'none' }, retry: { maxRetries: 1 } });

  it('sends a silent client trial back to WAITING, then FAIL once its retries are spent', async () => {
    expect((await clientStudy('lapse', 1)).status).toBe(201);
    const first = (await post('/studies/lapse/ask', { leaseSeconds: 5 })).body;
    const askedAt = Date.now();
    expect(first).toMatchObject({ number: 0, attempt: 1 });
    const requeued = await until(
      'the lapsed trial',
      () => trial('lapse', 0),
      (t) => t.state !== 'RUNNING',
    );
    const lapsedAfter = Date.now() - askedAt;
    expect(requeued.state).toBe('WAITING');
    expect(lapsedAfter).toBeGreaterThanOrEqual(5_000);

    const stale = await post('/studies/lapse/trials/0/heartbeat', { token: first.lease.token });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('lease-lost');

    // The next ask gets the same trial, a second run under a new lease; the first lease stays fenced out.
    const second = (await post('/studies/lapse/ask', { leaseSeconds: 5 })).body;
    expect(second).toMatchObject({ number: 0, attempt: 2 });
    const late = await post('/studies/lapse/trials/0/tell', { token: first.lease.token, value: 1 });
    expect(late.status).toBe(409);
    expect(late.body.reason).toBe('lease-lost');
    expect((await post('/studies/lapse/ask', {})).body.reason).toBe('budget');

    const secondAt = Date.now();
    const failed = await until(
      'the second lapse',
      () => trial('lapse', 0),
      (t) => t.state !== 'RUNNING',
    );
    // The scheduler judges leases by now (it has reached the database for a platform lease): the trial
    // is freed within its lease and a sweep (1 s here), with room for a loaded machine.
    const freedAfter = Date.now() - secondAt;
    expect(freedAfter).toBeGreaterThanOrEqual(5_000);
    expect(freedAfter).toBeLessThan(12_000);
    expect(failed.state).toBe('FAIL');
    expect(failed.failReason).toMatch(/retry\.maxRetries = 1/);
    // The second client comes back after the scheduler failed its trial: it lost its lease, it does not
    // tell a second time.
    const afterFail = await post('/studies/lapse/trials/0/tell', { token: second.lease.token, value: 1 });
    expect(afterFail.status).toBe(409);
    expect(afterFail.body.reason).toBe('lease-lost');
    expect((await waitForStudy(platform, 'lapse')).state).toBe('COMPLETED');
  });

  it('keeps a lease longer than the platform lease for its whole duration', async () => {
    await clientStudy('long-lease', 1);
    const asked = (await post('/studies/long-lease/ask', { leaseSeconds: 25 })).body;
    // Past the platform's 10 s lease and a sweep: a client lease of 25 s still holds.
    await sleep(14_000);
    expect((await trial('long-lease', 0)).state).toBe('RUNNING');
    const beat = await post('/studies/long-lease/trials/0/heartbeat', { token: asked.lease.token });
    expect(beat.status).toBe(200);
    const told = await post('/studies/long-lease/trials/0/tell', { token: asked.lease.token, value: 2 });
    expect(told.body).toMatchObject({ state: 'COMPLETE', values: [2], attempt: 1 });
  });

  it('renews a short lease on a timer while the objective runs longer than it', async () => {
    await clientStudy('heartbeats', 1);
    const study = await client.loadStudy('heartbeats');
    await study.optimize(
      async (t) => {
        await sleep(12_000);
        return t.suggestFloat('x', 0, 1);
      },
      { leaseSeconds: 5 },
    );
    const t = await trial('heartbeats', 0);
    expect(t).toMatchObject({ state: 'COMPLETE', attempt: 1 });
    expect(t.values).toEqual([t.params.x]);
  });
});
