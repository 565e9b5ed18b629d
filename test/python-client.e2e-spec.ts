/**
 * The Python client (clients/python) against the real platform: four Python processes run a client-only study of
 * the digits-like example (examples/python-client) with pruning, and reach the quality that queue workers reach on
 * the same study, the same Python training run by the workers as a command objective.
 *
 * Python is python3 from PATH with PYTHONPATH=clients/python: the client is used from the source folder, standard
 * library only, nothing installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'python-client');
const TOKEN = 'python-client-e2e-token-0123';
const N_TRIALS = 50;
const EPOCHS = 8;

/**
 * The quality both ways must reach: a validation accuracy of 0.80, deterministic given the parameters. Drawn at
 * random over the space, 21 % of configurations reach it (300 draws), 46 % of those with learning_rate >= 0.03 (120
 * draws) and none with learning_rate < 0.01 (80 draws, best 0.63: what the pruner cuts); the best of the 500 is
 * 0.869. The study's TPE draws at random until 10 trials are COMPLETE (or 30 have finished), which misses 0.80 with
 * probability 0.79^10 ~ 0.1, and then mostly where accuracy is high: missing it also in 20 guided trials in the
 * learning_rate >= 0.03 region is 0.54^20 ~ 4e-6, so a run below 0.80 is a broken sampler, pruner or client, not bad
 * luck. Both ways reaching 0.80 of a best of 0.869 is the same quality within 0.07 (three runs here: 0.856 both ways
 * each time).
 */
const QUALITY = 0.8;

interface TrialBody {
  number: number;
  state: string;
  values: number[] | null;
  params: Record<string, unknown>;
  intermediateValues: Record<string, number>;
  worker: string | null;
}

interface SpaceParam {
  name: string;
  type: 'float' | 'int' | 'categorical';
  low?: number;
  high?: number;
  choices?: unknown[];
}

const SPACE: SpaceParam[] = JSON.parse(readFileSync(join(EXAMPLE, 'digits-space.json'), 'utf8'));
const DEFINITION = JSON.parse(readFileSync(join(EXAMPLE, 'digits-study.json'), 'utf8'));

function pythonEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PYTHONPATH: join(ROOT, 'clients', 'python'),
    PYTHONUNBUFFERED: '1',
    TUNEFORGE_API_TOKEN: TOKEN,
  };
}

/** Runs a Python script to its end; resolves with its exit code and output. */
function runPython(args: string[]): Promise<{ pid: number; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, { cwd: ROOT, env: pythonEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ pid: child.pid!, code, output }));
  });
}

async function allTrials(platform: Platform, id: number): Promise<TrialBody[]> {
  const { body } = await platform.request(`/studies/${id}/trials?limit=1000`);
  return body.items as TrialBody[];
}

describe('the Python client: 4 processes run a pruned study to the quality of queue workers', () => {
  let platform: Platform;
  let objectives: string;

  beforeAll(async () => {
    // The same training as a command objective, for the queue workers (absolute paths: the manifest lives here).
    objectives = mkdtempSync(join(tmpdir(), 'tf-python-client-'));
    writeFileSync(
      join(objectives, 'digits-like.json'),
      JSON.stringify({
        name: 'digits-like',
        kind: 'command',
        argv: ['python3', join(EXAMPLE, 'digits_command.py')],
        space: join(EXAMPLE, 'digits-space.json'),
        limits: { wallTimeMs: 60_000, memoryMb: 512 },
      }),
    );
    platform = await startPlatform({
      workers: 2,
      token: TOKEN,
      // 2 workers x 2 trials at once: the queue study runs 4 trials in parallel, as the 4 Python processes do.
      env: { TUNEFORGE_OBJECTIVES_DIR: objectives, TUNEFORGE_WORKER_CONCURRENCY: '2' },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    rmSync(objectives, { recursive: true, force: true });
  });

  it(`runs exactly ${N_TRIALS} trials, pruned ones included, none left RUNNING, and reaches ${QUALITY}`, async () => {
    const clientStudy = await platform.request('/studies', {
      body: { ...DEFINITION, name: 'digits-client' },
    });
    expect({ status: clientStudy.status, body: clientStudy.body }).toMatchObject({ status: 201 });
    const queueStudy = await platform.request('/studies', {
      body: { ...DEFINITION, name: 'digits-queue', objective: { command: 'digits-like' } },
    });
    expect({ status: queueStudy.status, body: queueStudy.body }).toMatchObject({ status: 201 });

    const script = join(EXAMPLE, 'optimize_digits.py');
    const [runs, queueDone] = await Promise.all([
      Promise.all(
        Array.from({ length: 4 }, () =>
          runPython([script, '--url', platform.url, '--study', 'digits-client']),
        ),
      ),
      waitForStudy(platform, queueStudy.body.id, 110_000),
    ]);
    for (const run of runs) {
      expect({ code: run.code, output: run.output }).toMatchObject({ code: 0 });
      expect(run.output).toMatch(/^Best trial: \d+ value: 0\.\d+ params: \{/m);
    }

    const clientDone = await waitForStudy(platform, clientStudy.body.id, 30_000);
    for (const study of [clientDone, queueDone]) {
      expect(study.state).toBe('COMPLETED');
      expect(study.counts).toMatchObject({ RUNNING: 0, WAITING: 0, FAIL: 0 });
      expect(study.counts.COMPLETE + study.counts.PRUNED).toBe(N_TRIALS);
      expect(study.counts.PRUNED).toBeGreaterThan(0);
    }

    const trials = await allTrials(platform, clientStudy.body.id);
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: N_TRIALS }, (_, i) => i));
    // Each trial ran in one of the 4 processes (the lease holder names the client, client:<host>-<pid>:<lease>s:…),
    // and each process ran some (each asks within a second of its start; the 50 trials take over ten).
    const ranBy = (t: TrialBody) =>
      runs.findIndex((r) => new RegExp(`^client:[^:]*-${r.pid}:\\d+s:`).test(t.worker ?? ''));
    expect(trials.filter((t) => ranBy(t) < 0)).toEqual([]);
    expect(new Set(trials.map(ranBy)).size).toBe(4);
    for (const t of trials) {
      // define-by-run through suggest: the space of digits-space.json, what the queue workers get
      expect(Object.keys(t.params).sort()).toEqual(SPACE.map((p) => p.name).sort());
      for (const p of SPACE) {
        const v = t.params[p.name];
        if (p.type === 'categorical') expect(p.choices).toContain(v);
        else expect(v).toEqual(expect.any(Number));
        if (p.type !== 'categorical')
          expect([p.low! <= (v as number), (v as number) <= p.high!]).toEqual([true, true]);
      }
      const steps = Object.keys(t.intermediateValues).map(Number);
      if (t.state === 'COMPLETE') {
        expect(steps.sort((a, b) => a - b)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
        expect(t.values).toEqual([t.intermediateValues[String(EPOCHS)]]);
      } else {
        expect(t.state).toBe('PRUNED');
        expect(steps.length).toBeGreaterThan(0);
      }
    }

    const clientBest: TrialBody = clientDone.best;
    const queueBest: TrialBody = queueDone.best;
    expect(clientBest.values![0]).toBeGreaterThanOrEqual(QUALITY);
    expect(queueBest.values![0]).toBeGreaterThanOrEqual(QUALITY);

    // The client computes what a queue worker's command computes: the best client trial's parameters, run through
    // the command by hand, give its value to the last digit.
    const byHand = spawnSync('python3', [join(EXAMPLE, 'digits_command.py')], {
      env: { ...pythonEnv(), TUNEFORGE_PARAMS: JSON.stringify(clientBest.params) },
      encoding: 'utf8',
    });
    expect(byHand.stdout).toContain(`tuneforge:result value=${clientBest.values![0]}\n`);
  });
});
