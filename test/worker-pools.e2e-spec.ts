import { join } from 'node:path';
import { dashboardBuildState, viteBuild } from '../scripts/lib/dashboard-build';
import { launchChromium } from './support/chromium';
import { startPlatform, waitForStudy, type Platform, type RoleProcess } from './support/platform-harness';

const ROOT = join(__dirname, '..');

jest.setTimeout(180_000);

interface TrialRow {
  number: number;
  state: string;
  worker: string | null;
  datetimeStart: string;
  datetimeComplete: string;
}

/** Polls `read` until `done` holds of its answer (or the time runs out, with the last answer in the error). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`still not there after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** No two trials of `trials` ran at the same time. */
function oneAtATime(trials: TrialRow[]): boolean {
  const spans = trials
    .map((t) => [Date.parse(t.datetimeStart), Date.parse(t.datetimeComplete)])
    .sort((a, b) => a[0] - b[0]);
  return spans.every((span, i) => i === 0 || span[0] >= spans[i - 1][1]);
}

describe('worker pools: trials go only to workers that offer what they need', () => {
  let platform: Platform;
  let cpuWorker: RoleProcess;
  let plainWorker: RoleProcess;
  const offers = new Map<string, Record<string, number>>();

  beforeAll(async () => {
    // Built as `npm run platform` builds it: when dashboard/dist is missing or older than its sources.
    if (dashboardBuildState(join(ROOT, 'dashboard')) !== 'fresh') await viteBuild(ROOT);
    // Short leases and sweeps: trials left WAITING must stay WAITING through several of them.
    platform = await startPlatform({ workers: 0, env: { TUNEFORGE_LEASE_SECONDS: '2' } });
    cpuWorker = platform.spawnRole('worker', { TUNEFORGE_WORKER_RESOURCES: 'cpu=4' });
    plainWorker = platform.spawnRole('worker');
    offers.set(cpuWorker.workerId, { cpu: 4 });
    offers.set(plainWorker.workerId, {});
    await until(
      () => platform.request('/pools'),
      (r) => r.body.workers?.length === 2,
    );
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const trialsOf = async (id: number): Promise<TrialRow[]> =>
    (await platform.request(`/studies/${id}/trials?limit=1000`)).body.items;

  it('refuses resources that are not amounts, naming the field', async () => {
    const r = await platform.request('/studies', {
      body: {
        name: 'bad-resources',
        objective: { builtin: 'branin' },
        budget: { nTrials: 2 },
        resources: { gpu: -1 },
      },
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('resources');
  });

  it('runs a study needing cpu on the cpu worker only', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'needs-cpu',
        objective: { builtin: 'branin' },
        sampler: { type: 'random' },
        budget: { nTrials: 12, maxParallel: 4 },
        resources: { cpu: 1 },
        seed: 1,
      },
    });
    expect(created.status).toBe(201);
    const study = await waitForStudy(platform, created.body.id);
    expect(study.state).toBe('COMPLETED');
    const trials = await trialsOf(study.id);
    expect(trials).toHaveLength(12);
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    for (const t of trials) expect(offers.get(t.worker!)?.cpu ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('leaves a study needing a gpu WAITING with the reason, then a gpu worker runs exactly its budget', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'needs-gpu',
        objective: { builtin: 'branin' },
        sampler: { type: 'random' },
        budget: { nTrials: 6, maxParallel: 3 },
        resources: { gpu: 1 },
        seed: 2,
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    const waiting = await until(
      () => platform.request(`/studies/${id}`).then((r) => r.body),
      (s) => s.counts.WAITING === 3,
    );
    expect(waiting.state).toBe('RUNNING');
    expect(waiting.waiting).toEqual({ reason: 'no live worker offers gpu ≥ 1' });
    // Several leases and sweeps later, nothing ran and nothing failed: the trials were never claimed.
    await new Promise((r) => setTimeout(r, 5_000));
    const later = (await platform.request(`/studies/${id}`)).body;
    expect(later.counts).toEqual({ WAITING: 3, RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAIL: 0 });
    expect(later.waiting).toEqual({ reason: 'no live worker offers gpu ≥ 1' });
    const pools = (await platform.request('/pools')).body;
    expect(pools.pools.find((p: { queue: string }) => p.queue === 'trials@gpu=1')).toMatchObject({
      requirement: { gpu: 1 },
      workers: [],
      waitingTrials: 3,
      reason: 'no live worker offers gpu ≥ 1',
    });

    // The dashboard's pools panel says the same.
    const browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${platform.url}/dashboard/`);
      const row = page.locator('[data-testid="pool-table"] tr[data-pool="trials@gpu=1"]');
      await row.waitFor({ timeout: 15_000 });
      expect(await row.locator('td').allTextContents()).toEqual([
        'trials@gpu=1',
        'gpu=1',
        '—',
        '3',
        '3',
        '0',
        'no live worker offers gpu ≥ 1',
      ]);
      await page.locator(`[data-testid="worker-table"] tr[data-worker="${cpuWorker.workerId}"]`).waitFor();
    } finally {
      await browser.close();
    }

    // One GPU and a concurrency of 4: one trial at a time.
    const gpuWorker = platform.spawnRole('worker', {
      TUNEFORGE_WORKER_RESOURCES: 'gpu=1',
      TUNEFORGE_WORKER_CONCURRENCY: '4',
    });
    offers.set(gpuWorker.workerId, { gpu: 1 });
    const study = await waitForStudy(platform, id);
    expect(study.state).toBe('COMPLETED');
    expect(study.counts).toEqual({ WAITING: 0, RUNNING: 0, COMPLETE: 6, PRUNED: 0, FAIL: 0 });
    const trials = await trialsOf(id);
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(trials.every((t) => t.worker === gpuWorker.workerId)).toBe(true);
    expect(oneAtATime(trials)).toBe(true);
    const after = (await platform.request('/pools')).body;
    expect(after.pools.find((p: { queue: string }) => p.queue === 'trials@gpu=1')).toMatchObject({
      workers: [gpuWorker.workerId],
      reason: null,
    });
  });

  it('shows every pool queue on Bull Board', async () => {
    const queues = await until(
      () => platform.request('/admin/queues/api/queues').then((r) => r.body),
      (body) => Array.isArray(body?.queues) && body.queues.length >= 4,
      15_000,
    );
    expect(queues.queues.map((q: { name: string }) => q.name).sort()).toEqual(
      ['refill', 'trials', 'trials@cpu=1', 'trials@gpu=1'].sort(),
    );
  });

  it('counts the jobs of every pool queue in /metrics', async () => {
    const text = (await platform.request('/metrics')).body as string;
    for (const queue of ['trials', 'refill', 'trials@cpu=1', 'trials@gpu=1']) {
      expect([queue, text.includes(`tuneforge_queue_jobs{queue="${queue}",state="waiting"}`)]).toEqual([
        queue,
        true,
      ]);
    }
  });

  it('OpenAPI shows GET /pools and the resources of a study definition', async () => {
    const { body } = await platform.request('/docs-json');
    expect(body.paths['/pools']?.get).toBeDefined();
    expect(body.components.schemas.CreateStudyDto.properties.resources).toMatchObject({
      type: 'object',
      additionalProperties: { type: 'number' },
    });
  });

  it('a worker with a malformed TUNEFORGE_WORKER_RESOURCES does not start, saying what to write', async () => {
    const bad = platform.spawnRole('worker', { TUNEFORGE_WORKER_RESOURCES: 'gpu' });
    await until(
      async () => bad.child.exitCode,
      (code) => code !== null,
    );
    expect(bad.child.exitCode).not.toBe(0);
    expect(bad.output.join('')).toContain(
      "TUNEFORGE_WORKER_RESOURCES must list name=amount pairs separated by commas (e.g. gpu=2,cpu=8): 'gpu' needs an amount",
    );
  });
});
