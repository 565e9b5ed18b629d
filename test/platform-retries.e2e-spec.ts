import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(240_000);

interface TrialBody {
  number: number;
  state: string;
  attempt: number;
  worker: string | null;
  failReason: string | null;
  lastFailure: string | null;
}

/**
 * The study's retry policy through the running platform: failed runs retried with the same number
 * and parameters (retry.retryFailedTrials), and trials whose worker died retried or failed
 * (retry.maxRetries) when their lease lapses.
 */
describe('the retry policy of a study', () => {
  let platform: Platform;
  let markers: string;

  beforeAll(async () => {
    markers = mkdtempSync(join(tmpdir(), 'tf-retries-'));
    platform = await startPlatform({
      workers: 1,
      env: {
        TUNEFORGE_ALLOW_INLINE_COMMANDS: '1',
        TUNEFORGE_WORKER_CONCURRENCY: '2',
        TUNEFORGE_LEASE_SECONDS: '3',
      },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    rmSync(markers, { recursive: true, force: true });
  });

  // Fails the first run of each trial (it leaves its parameters in a marker file); a later run succeeds
  // only with the same parameters (exit 4 otherwise).
  const failsOnce = (dir: string) => [
    'sh',
    '-c',
    `f=${dir}/t$TUNEFORGE_TRIAL_NUMBER
     if [ ! -e "$f" ]; then printf %s "$TUNEFORGE_PARAMS" > "$f"; echo first run >&2; exit 3; fi
     if [ "$(cat "$f")" != "$TUNEFORGE_PARAMS" ]; then echo other parameters >&2; exit 4; fi
     echo tuneforge:result value=1`,
  ];

  async function run(name: string, retry: Record<string, number>, argv: string[], nTrials = 4) {
    const created = await platform.request('/studies', {
      body: {
        name,
        objective: { inlineCommand: argv },
        searchSpace: [{ name: 'x', type: 'float', low: 0, high: 1 }],
        sampler: { type: 'random' },
        pruner: { type: 'none' },
        budget: { nTrials, maxParallel: 2 },
        retry,
        seed: 3,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.definition.retry).toEqual({ maxRetries: 1, retryFailedTrials: 0, ...retry });
    const study = await waitForStudy(platform, created.body.id, 120_000);
    expect(study.state).toBe('COMPLETED');
    const { body: page } = await platform.request(`/studies/${study.id}/trials?limit=100`);
    return page.items as TrialBody[];
  }

  it('runs a failed trial again, same number and parameters, while retryFailedTrials allows', async () => {
    const dir = mkdtempSync(join(markers, 'a-'));
    const trials = await run('retry-failed', { retryFailedTrials: 1 }, failsOnce(dir));
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3]);
    for (const t of trials) {
      expect(t).toMatchObject({ state: 'COMPLETE', attempt: 2 });
      expect(t.lastFailure).toMatch(/exited with code 3/);
    }
  });

  it('ends a failed trial FAIL at once without retryFailedTrials', async () => {
    const dir = mkdtempSync(join(markers, 'b-'));
    const trials = await run('no-retry', {}, failsOnce(dir), 2);
    expect(trials.map((t) => [t.number, t.state, t.attempt])).toEqual([
      [0, 'FAIL', 1],
      [1, 'FAIL', 1],
    ]);
  });

  it('fails a trial whose worker died when maxRetries is 0, and the study completes', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'no-retry-on-loss',
        objective: { inlineCommand: ['sh', '-c', 'sleep 30; echo tuneforge:result value=1'] },
        searchSpace: [{ name: 'x', type: 'float', low: 0, high: 1 }],
        sampler: { type: 'random' },
        pruner: { type: 'none' },
        budget: { nTrials: 2, maxParallel: 2 },
        retry: { maxRetries: 0 },
      },
    });
    expect(created.status).toBe(201);
    // Both trials running on the only worker: kill it; a new worker takes over what is left.
    const worker = platform.processes.find((p) => p.role === 'worker')!;
    for (;;) {
      const { body } = await platform.request(`/studies/${created.body.id}`);
      if (body.counts.RUNNING === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    worker.child.kill('SIGKILL');
    platform.spawnRole('worker');
    const study = await waitForStudy(platform, created.body.id, 60_000);
    expect(study.state).toBe('COMPLETED');
    const { body: page } = await platform.request(`/studies/${study.id}/trials`);
    const trials = page.items as TrialBody[];
    expect(trials.map((t) => [t.number, t.state, t.attempt])).toEqual([
      [0, 'FAIL', 1],
      [1, 'FAIL', 1],
    ]);
    for (const t of trials) expect(t.failReason).toMatch(/no retry left \(retry.maxRetries = 0\)/);
  });
});
