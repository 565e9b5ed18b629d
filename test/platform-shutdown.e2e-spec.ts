import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(180_000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends SIGTERM and resolves with how the process ended and after how many ms (SIGKILL after 15 s). */
function terminate(child: ChildProcess): Promise<{ ms: number; signal: string | null; code: number | null }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - started, signal, code });
    });
    child.kill('SIGTERM');
  });
}

/**
 * SIGTERM on the real role processes (as the launcher and `docker compose stop` send it): a worker
 * stops its running objective and hands the trial back at once, without waiting for the lease to
 * lapse, and every role exits by itself.
 */
describe('stopping the platform with SIGTERM', () => {
  let platform: Platform;
  let markers: string;

  beforeAll(async () => {
    markers = mkdtempSync(join(tmpdir(), 'tf-shutdown-'));
    platform = await startPlatform({
      workers: 1,
      // A lease far longer than the test: only the worker's own hand-back can free the trial in time.
      env: { TUNEFORGE_ALLOW_INLINE_COMMANDS: '1', TUNEFORGE_LEASE_SECONDS: '600' },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    rmSync(markers, { recursive: true, force: true });
  });

  it('hands a running trial back on a worker SIGTERM; it runs again on the next worker; the roles exit', async () => {
    const pidFile = join(markers, 'first-run.pid');
    // The first run writes its pid and sleeps; a later run answers at once.
    const argv = [
      'sh',
      '-c',
      `if [ ! -e ${pidFile} ]; then echo $$ > ${pidFile}; exec sleep 120; fi; echo tuneforge:result value=1`,
    ];
    const created = await platform.request('/studies', {
      body: {
        name: 'stopped-worker',
        objective: { inlineCommand: argv },
        searchSpace: [{ name: 'x', type: 'float', low: 0, high: 1 }],
        sampler: { type: 'random' },
        pruner: { type: 'none' },
        budget: { nTrials: 1, maxParallel: 1 },
        retry: { maxRetries: 1 },
      },
    });
    expect(created.status).toBe(201);
    const deadline = Date.now() + 60_000;
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') {
      if (Date.now() > deadline) throw new Error('the first run never started');
      await new Promise((r) => setTimeout(r, 100));
    }
    const pid = Number(readFileSync(pidFile, 'utf8').trim());

    const worker = platform.processes.find((p) => p.role === 'worker')!;
    const exit = await terminate(worker.child);
    // Well within the launcher's 10 s: the objective got SIGTERM (sleep ends on it) and the trial went back.
    expect(exit.ms).toBeLessThan(10_000);
    expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
    expect(alive(pid)).toBe(false);
    const { body: page } = await platform.request(`/studies/${created.body.id}/trials`);
    expect(page.items.map((t: { state: string; attempt: number }) => [t.state, t.attempt])).toEqual([
      ['WAITING', 1],
    ]);
    expect(page.items[0].lastFailure).toBe('its worker shut down during the run');

    platform.spawnRole('worker');
    const study = await waitForStudy(platform, created.body.id, 60_000);
    expect(study.state).toBe('COMPLETED');
    const { body: after } = await platform.request(`/studies/${created.body.id}/trials`);
    expect(after.items.map((t: { state: string; attempt: number }) => [t.state, t.attempt])).toEqual([
      ['COMPLETE', 2],
    ]);

    // Every role ends by itself on SIGTERM: its connections and the storage closed, nothing left open —
    // the api too while a dashboard's event stream is open (the stream ends first).
    const stream = await fetch(`${platform.url}/studies/${created.body.id}/events`);
    expect(stream.status).toBe(200);
    const reading = stream.text().catch(() => 'aborted');
    for (const p of platform.processes.filter(
      (q) => q.child.exitCode === null && q.child.signalCode === null,
    )) {
      const ended = await terminate(p.child);
      expect([p.role, ended.ms < 10_000]).toEqual([p.role, true]);
    }
    await reading;
  });
});
