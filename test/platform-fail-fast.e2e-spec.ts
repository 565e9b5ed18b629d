import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { STARTED_AT_ATTR } from '@tuneforge/platform';
import { openStorage } from '@tuneforge/storage';
import { Redis } from 'ioredis';
import { freePort } from './support/free-port';
import { lastLines, startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(240_000);

const execFileAsync = promisify(execFile);

/** A Redis of the test's own (no persistence), so that it can be killed; resolves once it answers. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  try {
    for (;;) {
      try {
        if (probe.status !== 'ready') await probe.connect();
        if ((await probe.ping()) === 'PONG') return child;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    probe.disconnect();
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * Requests fail fast (issue 12 item 4): with Redis down a mutating route answers 503 within seconds and
 * leaves nothing behind, and creating a study is idempotent, so the client's retry gets the study.
 */
describe('the platform when Redis goes away', () => {
  let redisPort: number;
  let redis: ChildProcess;
  let platform: Platform;

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    platform = await startPlatform({ workers: 1, env: { REDIS_URL: `redis://127.0.0.1:${redisPort}` } });
  });

  afterAll(async () => {
    await platform?.stop();
    if (redis) await kill(redis);
  });

  const definition = {
    name: 'idempotent',
    objective: { builtin: 'quadratic' },
    sampler: { type: 'random' },
    pruner: { type: 'none' },
    budget: { nTrials: 4, maxParallel: 2 },
    seed: 5,
  };

  it('answers the same POST /studies twice with 201, then 200 and the same study', async () => {
    const first = await platform.request('/studies', { body: definition });
    expect(first.status).toBe(201);
    const again = await platform.request('/studies', { body: definition });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      id: first.body.id,
      name: 'idempotent',
      definition: first.body.definition,
    });
    const studies = (await platform.request('/studies')).body as Array<{ name: string }>;
    expect(studies.filter((s) => s.name === 'idempotent')).toHaveLength(1);
    expect((await waitForStudy(platform, first.body.id)).state).toBe('COMPLETED');
  });

  it('answers 409 to the same name with another definition, naming the field that differs', async () => {
    const res = await platform.request('/studies', {
      body: { ...definition, budget: { nTrials: 8, maxParallel: 2 } },
    });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message:
        "A study named 'idempotent' already exists with a different definition: budget.nTrials is 4 there, 8 here. " +
        'Send the same definition to get the existing study, or choose another name (or DELETE /studies/idempotent first).',
    });
  });

  it('starts a stored RUNNING study whose refill request never reached Redis (the sweep)', async () => {
    // What the api stores when the refill request after the write is lost: the study, and no request.
    const template = (await platform.request('/studies/idempotent')).body;
    const storage = await openStorage(platform.database.url, { access: 'existing' });
    let studyId: number;
    try {
      const record = await storage.createStudy({
        studyName: 'lost-refill',
        directions: ['minimize'],
        systemAttrs: {
          'platform:definition': { ...template.definition, name: 'lost-refill' },
          'platform:state': 'RUNNING',
          [STARTED_AT_ATTR]: Date.now(),
        },
      });
      studyId = record.studyId;
    } finally {
      await storage.close();
    }
    const study = await waitForStudy(platform, studyId, 60_000);
    expect([study.state, study.counts.COMPLETE]).toEqual(['COMPLETED', 4]);
  });

  it('when Redis stops taking writes after the check, stores the study (201), a retry gets it (200), and it runs', async () => {
    // CLIENT PAUSE WRITE: PING still answers, the refill request (a BullMQ script) waits. The api waits
    // for it a bounded time, then answers; the sweep (or the request itself) starts the study later.
    const admin = new Redis({ host: '127.0.0.1', port: redisPort, maxRetriesPerRequest: 0 });
    try {
      await admin.call('CLIENT', 'PAUSE', '20000', 'WRITE');
      const body = { ...definition, name: 'paused' };
      const t0 = Date.now();
      const first = await platform.request('/studies', { body });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect([first.status, first.body.state]).toEqual([201, 'RUNNING']);
      const t1 = Date.now();
      const retry = await platform.request('/studies', { body });
      expect(Date.now() - t1).toBeLessThan(5000);
      expect([retry.status, retry.body.id]).toEqual([200, first.body.id]);
      await admin.call('CLIENT', 'UNPAUSE');
      const study = await waitForStudy(platform, first.body.id, 60_000);
      expect([study.state, study.counts.COMPLETE]).toEqual(['COMPLETED', 4]);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      admin.disconnect();
    }
  });

  it('with Redis down, answers mutating routes 503 within 5 s naming Redis and changes nothing', async () => {
    await kill(redis);
    const before = (await platform.request('/studies')).body;

    const started = Date.now();
    const created = await platform.request('/studies', { body: { ...definition, name: 'while-down' } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(created.status).toBe(503);
    expect(created.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(created.body.message).toMatch(
      new RegExp(
        `^Redis is unreachable \\(127\\.0\\.0\\.1:${redisPort}: .*\\): nothing was changed; try again`,
      ),
    );

    for (const [path, method, body] of [
      ['/studies/idempotent/stop', 'POST', undefined],
      ['/studies/idempotent/resume', 'POST', undefined],
      ['/studies/idempotent/trials', 'POST', { params: { x: 1 } }],
      ['/studies/idempotent', 'DELETE', undefined],
    ] as const) {
      const t0 = Date.now();
      const res = await platform.request(path, { method, body });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect([path, res.status]).toEqual([path, 503]);
      expect(res.body.message).toMatch(/^Redis is unreachable/);
    }
    // Reads still answer, from Postgres: nothing was written.
    expect((await platform.request('/studies')).body).toEqual(before);
    expect((await platform.request('/studies/while-down')).status).toBe(404);
  });

  it('once Redis is back, the retried POST creates the study (201), the next one gets it (200), and it runs', async () => {
    redis = await startRedis(redisPort);
    const deadline = Date.now() + 30_000;
    while ((await platform.request('/health')).status !== 200) {
      if (Date.now() > deadline) throw new Error('the api did not reconnect to Redis');
      await new Promise((r) => setTimeout(r, 200));
    }
    const retried = await platform.request('/studies', { body: { ...definition, name: 'while-down' } });
    expect(retried.status).toBe(201);
    const again = await platform.request('/studies', { body: { ...definition, name: 'while-down' } });
    expect([again.status, again.body.id]).toEqual([200, retried.body.id]);
    const study = await waitForStudy(platform, retried.body.id, 60_000);
    expect([study.state, study.counts.COMPLETE]).toEqual(['COMPLETED', 4]);
  });
});

describe('a stop while Redis is down', () => {
  let redis: ChildProcess;
  let platform: Platform;

  beforeAll(async () => {
    const port = await freePort();
    redis = await startRedis(port);
    platform = await startPlatform({ workers: 1, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  });

  afterAll(async () => {
    await platform?.stop();
    if (redis) await kill(redis);
  });

  it('ends every role within seconds of SIGTERM instead of waiting for Redis forever', async () => {
    await kill(redis);
    // Long enough for every connection to be reconnecting, with commands waiting in its offline queue.
    await new Promise((r) => setTimeout(r, 2000));
    const exits = platform.processes.map(
      (p) =>
        new Promise<string>((resolve) => {
          if (p.child.exitCode !== null) return resolve(`${p.role} ${p.child.exitCode}`);
          p.child.once('exit', (code, signal) => resolve(`${p.role} ${code ?? signal}`));
        }),
    );
    const t0 = Date.now();
    for (const p of platform.processes) p.child.kill('SIGTERM');
    const stuck = () =>
      platform.processes
        .filter((p) => p.child.exitCode === null && p.child.signalCode === null)
        .map((p) => `${p.role} still running after 20 s:\n${lastLines(p, 15)}`);
    const codes = await Promise.race([
      Promise.all(exits),
      new Promise<string[]>((resolve) => setTimeout(() => resolve(stuck()), 20_000)),
    ]);
    expect(codes.sort()).toEqual(['api 0', 'scheduler 0', 'worker 0']);
    // REDIS_GONE_MS (3 s) after the first task that needed Redis, plus the start of the stop.
    expect(Date.now() - t0).toBeLessThan(15_000);
    for (const p of platform.processes)
      expect(p.output.join('')).toContain('"event":"shutdown-without-redis"');
  });
});

/** A Postgres cluster of the test's own (trust auth, on loopback), so that it can be stopped. */
class OwnPostgres {
  private constructor(
    readonly name: string,
    readonly port: number,
  ) {}

  static async create(): Promise<OwnPostgres> {
    const pg = new OwnPostgres(`tfff${process.pid}`, await freePort());
    execFileSync('pg_createcluster', ['15', pg.name, '--port', String(pg.port), '--', '--auth=trust'], {
      stdio: 'ignore',
    });
    await pg.start();
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  // Asynchronous: blocked for the seconds pg_ctlcluster takes, the test's event loop would not see the
  // api close an idle keep-alive connection, and the next request would go out on the dead socket.
  async start(): Promise<void> {
    await execFileAsync('pg_ctlcluster', ['15', this.name, 'start']);
  }

  async stop(): Promise<void> {
    await execFileAsync('pg_ctlcluster', ['15', this.name, 'stop', '-m', 'immediate']);
  }

  drop(): void {
    execFileSync('pg_dropcluster', ['15', this.name, '--stop'], { stdio: 'ignore' });
  }
}

describe('the platform when Postgres goes away', () => {
  let postgres: OwnPostgres;
  let platform: Platform;

  beforeAll(async () => {
    postgres = await OwnPostgres.create();
    platform = await startPlatform({ workers: 1, env: { DATABASE_URL: postgres.url } });
  });

  afterAll(async () => {
    await platform?.stop();
    postgres?.drop();
  });

  const definition = {
    name: 'pg-down',
    objective: { builtin: 'quadratic' },
    sampler: { type: 'random' },
    pruner: { type: 'none' },
    budget: { nTrials: 3, maxParallel: 1 },
  };

  it('answers POST /studies 503 within 5 s naming Postgres, then 201 once it is back, and the study runs', async () => {
    await postgres.stop();
    const started = Date.now();
    const down = await platform.request('/studies', { body: definition });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(down.body.message).toMatch(
      new RegExp(
        `^Postgres is unreachable \\(127\\.0\\.0\\.1:${postgres.port}: .*\\): nothing was changed; try again`,
      ),
    );

    await postgres.start();
    const deadline = Date.now() + 30_000;
    while ((await platform.request('/health')).status !== 200) {
      if (Date.now() > deadline) throw new Error('the api did not reconnect to Postgres');
      await new Promise((r) => setTimeout(r, 200));
    }
    const created = await platform.request('/studies', { body: definition });
    expect(created.status).toBe(201);
    const study = await waitForStudy(platform, created.body.id, 60_000);
    expect([study.state, study.counts.COMPLETE]).toEqual(['COMPLETED', 3]);
  });
});
