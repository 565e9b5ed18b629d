/**
 * A Python client killed mid-trial (SIGKILL: no goodbye, no tell) frees its trial within its lease: the trial runs
 * again (WAITING, handed to the next ask with the same number and parameters) or ends FAIL, as the study's
 * retry.maxRetries says, and another client then completes the study's budget. A client stalled past its lease
 * (SIGSTOP) hears lease-lost when it wakes, abandons the trial without telling it, and the trial runs again.
 *
 * Python is python3 from PATH with PYTHONPATH=clients/python (the client from its source folder).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const TOKEN = 'python-client-e2e-token-0123';
/** The trial's lease: the shortest the platform takes, so the test waits little. */
const LEASE_SECONDS = 5;
const N_TRIALS = 4;

const PYTHON_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  PYTHONPATH: join(ROOT, 'clients', 'python'),
  PYTHONUNBUFFERED: '1',
  TUNEFORGE_API_TOKEN: TOKEN,
};

/** Asks for a trial, suggests x, says so, and then works "forever" (until it is killed), renewing its lease. */
const HANGS = `
import json, os, sys, time
from tuneforge_client import Client
def objective(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    print(json.dumps({"started": trial.number, "x": x}), flush=True)
    time.sleep(3600)
    return x
Client(sys.argv[1], token=os.environ["TUNEFORGE_API_TOKEN"]).load_study(sys.argv[2]).optimize(objective, lease_seconds=${LEASE_SECONDS})
`;

/**
 * Its first run of a trial works until should_prune() turns True, which the client makes it do when a heartbeat
 * answers lease-lost, and then returns a value that must not be told; every other run returns x².
 */
const OUTLIVES_ITS_LEASE = `
import json, os, sys, time
from tuneforge_client import Client
def objective(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.attempt == 1 and trial.number == 0:
        print(json.dumps({"started": trial.number, "x": x}), flush=True)
        while not trial.should_prune():
            time.sleep(0.05)
        print(json.dumps({"stopped": trial.number, "lease_lost": trial.lease_lost}), flush=True)
        return 100.0
    return x ** 2
study = Client(sys.argv[1], token=os.environ["TUNEFORGE_API_TOKEN"]).load_study(sys.argv[2])
study.optimize(objective, lease_seconds=${LEASE_SECONDS})
print("budget spent", flush=True)
`;

/** Runs trials until the budget is spent. */
const FINISHES = `
import os, sys
from tuneforge_client import Client
study = Client(sys.argv[1], token=os.environ["TUNEFORGE_API_TOKEN"]).load_study(sys.argv[2])
study.optimize(lambda trial: trial.suggest_float("x", 0.0, 1.0) ** 2, lease_seconds=${LEASE_SECONDS})
print("budget spent", flush=True)
`;

function python(script: string, args: string[]): ChildProcess & { output: () => string } {
  const child = spawn('python3', ['-c', script, ...args], {
    cwd: ROOT,
    env: PYTHON_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Polls until `check` returns a value (not undefined), or fails with `what` after `timeoutMs`. */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a Python client killed mid-trial', () => {
  let platform: Platform;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // No queue worker: the study is client-only; the scheduler ends lapsed leases (a sweep a second).
    platform = await startPlatform({ workers: 0, token: TOKEN });
  });

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await platform?.stop();
  });

  it.each([
    { maxRetries: 1, freedAs: 'WAITING', end: { COMPLETE: N_TRIALS, FAIL: 0 } },
    { maxRetries: 0, freedAs: 'FAIL', end: { COMPLETE: N_TRIALS - 1, FAIL: 1 } },
  ])(
    'frees its trial within its lease as $freedAs (retry.maxRetries $maxRetries), and the budget completes',
    async ({ maxRetries, freedAs, end }) => {
      const name = `killed-client-${maxRetries}`;
      const created = await platform.request('/studies', {
        body: {
          name,
          direction: 'minimize',
          sampler: { type: 'random' },
          budget: { nTrials: N_TRIALS, maxParallel: 2 },
          retry: { maxRetries },
          seed: 1,
        },
      });
      expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
      const trialPath = (n: number) => `/studies/${created.body.id}/trials/${n}`;

      const doomed = python(HANGS, [platform.url, name]);
      children.push(doomed);
      const started = await until('the trial starts', 20_000, async () => {
        const line = /^(\{"started".*\})$/m.exec(doomed.output());
        return line ? (JSON.parse(line[1]) as { started: number; x: number }) : undefined;
      });

      // Heartbeats hold the trial past one lease while the client lives.
      await new Promise((r) => setTimeout(r, (LEASE_SECONDS + 2) * 1000));
      const alive = await platform.request(trialPath(started.started));
      expect(alive.body).toMatchObject({ state: 'RUNNING', params: { x: started.x } });

      doomed.kill('SIGKILL');
      expect(await exited(doomed)).toEqual({ code: null, signal: 'SIGKILL' });
      const killedAt = Date.now();
      const freed = await until('the trial leaves RUNNING', 30_000, async () => {
        const { body } = await platform.request(trialPath(started.started));
        return body.state === 'RUNNING' ? undefined : body;
      });
      const freedAfterMs = Date.now() - killedAt;
      expect(freed).toMatchObject({ state: freedAs, attempt: 1 });
      // The lease runs out at most LEASE_SECONDS after the last heartbeat, which came before the kill; the
      // scheduler sees it at its next sweep (TUNEFORGE_SWEEP_SECONDS=1) — 2 s more for a loaded machine.
      expect(freedAfterMs).toBeLessThanOrEqual((LEASE_SECONDS + 1 + 2) * 1000);

      const finisher = python(FINISHES, [platform.url, name]);
      children.push(finisher);
      const finished = await exited(finisher);
      expect({ ...finished, output: finisher.output() }).toMatchObject({ code: 0, output: 'budget spent\n' });

      const study = await waitForStudy(platform, created.body.id, 20_000);
      expect(study.state).toBe('COMPLETED');
      expect(study.counts).toEqual({ WAITING: 0, RUNNING: 0, PRUNED: 0, ...end });
      const { body: page } = await platform.request(`/studies/${created.body.id}/trials?limit=100`);
      expect(page.items.map((t: { number: number }) => t.number)).toEqual([0, 1, 2, 3]);
      const again = page.items[started.started];
      if (freedAs === 'WAITING') {
        // Run again by the next client: same number, same parameters, a second attempt.
        expect(again).toMatchObject({
          state: 'COMPLETE',
          attempt: 2,
          params: { x: started.x },
          values: [started.x ** 2],
        });
      } else {
        expect(again).toMatchObject({ state: 'FAIL', attempt: 1, params: { x: started.x } });
      }
    },
  );
  it('abandons a trial whose lease lapsed while the client was stalled (SIGSTOP), and runs it again', async () => {
    const name = 'stalled-client';
    const created = await platform.request('/studies', {
      body: {
        name,
        direction: 'minimize',
        sampler: { type: 'random' },
        budget: { nTrials: N_TRIALS, maxParallel: 2 },
        retry: { maxRetries: 1 },
        seed: 2,
      },
    });
    expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
    const client = python(OUTLIVES_ITS_LEASE, [platform.url, name]);
    children.push(client);
    const started = await until('the trial starts', 20_000, async () => {
      const line = /^(\{"started".*\})$/m.exec(client.output());
      return line ? (JSON.parse(line[1]) as { started: number; x: number }) : undefined;
    });

    // Stalled (a frozen VM, a debugger, a long GC): no heartbeat, so the platform takes the trial back.
    client.kill('SIGSTOP');
    const freed = await until('the trial leaves RUNNING', 30_000, async () => {
      const { body } = await platform.request(`/studies/${created.body.id}/trials/${started.started}`);
      return body.state === 'RUNNING' ? undefined : body;
    });
    expect(freed).toMatchObject({ state: 'WAITING', attempt: 1 });
    client.kill('SIGCONT');

    // Awake, its next heartbeat hears lease-lost: the objective stops, its 100 is not told, and the loop's next
    // ask gets the same trial back (the oldest WAITING one) as its second run.
    const finished = await exited(client);
    expect({ ...finished, output: client.output() }).toMatchObject({ code: 0 });
    expect(client.output()).toContain(`{"stopped": ${started.started}, "lease_lost": true}\n`);
    expect(client.output()).toMatch(
      new RegExp(`^Trial ${started.started} abandoned: its lease was lost`, 'm'),
    );
    expect(client.output()).toMatch(/budget spent\n$/);

    const study = await waitForStudy(platform, created.body.id, 20_000);
    expect(study).toMatchObject({
      state: 'COMPLETED',
      counts: { COMPLETE: N_TRIALS, RUNNING: 0, WAITING: 0 },
    });
    const { body: trial } = await platform.request(`/studies/${created.body.id}/trials/${started.started}`);
    expect(trial).toMatchObject({
      state: 'COMPLETE',
      attempt: 2,
      params: { x: started.x },
      values: [started.x ** 2],
    });
  });
});
