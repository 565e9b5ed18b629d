/**
 * Command objectives on real processes: parameters in, environment allowlist, process-group pruning, and
 * every way a program can go wrong ending FAIL with a reason that names it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudy, parseSearchSpace, RandomSampler, type FrozenTrial } from '@tuneforge/core';
import {
  commandObjective,
  ObjectiveFailedError,
  probeSandbox,
  runCommandTrial,
  type CommandOutcome,
  type CommandSpec,
  type RunCommandTrialOptions,
} from './index';

jest.setTimeout(20_000);

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tuneforge-command-int-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(spec: CommandSpec, extra: Partial<RunCommandTrialOptions> = {}): Promise<CommandOutcome> {
  return runCommandTrial({
    spec,
    params: { x: 1 },
    trialNumber: 0,
    studyName: 'e2e',
    workdirRoot: root,
    ...extra,
  });
}

/** `python3 -c <script>`, so the tests need nothing but the interpreter. */
function python(script: string, limits: CommandSpec['limits'] = {}): CommandSpec {
  return { argv: ['python3', '-c', script], limits: { wallTimeMs: 10_000, killGraceMs: 500, ...limits } };
}

function expectFail(outcome: CommandOutcome, kind: string, reason: RegExp): void {
  expect(outcome).toMatchObject({ state: 'FAIL', kind });
  if (outcome.state === 'FAIL') expect(outcome.reason).toMatch(reason);
}

/** Pids of live processes whose environment contains `marker` (every process a trial starts inherits it). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue; // a zombie holds no resources; its parent reaps it
      if (readFileSync(`/proc/${entry}/environ`).includes(marker)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

describe('command objectives: parameters and environment', () => {
  const hostile = {
    quote: `it's "quoted"`,
    semicolon: 'a; rm -rf / ; b',
    substitution: '$(touch pwned) `touch pwned2` ${HOME}',
    spaces: '  two  spaces  ',
    unicode: 'héllo wörld — 日本語 🎉',
    newline: 'line1\nline2',
    number: -1.5e-7,
    flag: true,
    nothing: null,
  };

  it('hands parameters over intact, as data (env, file and argv never go through a shell)', async () => {
    const script = [
      'import json, os, sys',
      'env = json.loads(os.environ["TUNEFORGE_PARAMS"])',
      'with open(os.environ["TUNEFORGE_PARAMS_FILE"], encoding="utf-8") as f: file = json.load(f)',
      'print("tuneforge:attr env=" + json.dumps(env))',
      'print("tuneforge:attr file=" + json.dumps(file))',
      'print("tuneforge:attr argv=" + json.dumps(sys.argv[1:]))',
      'print("tuneforge:attr meta=" + json.dumps([os.environ["TUNEFORGE_TRIAL_NUMBER"], os.environ["TUNEFORGE_STUDY"], os.getcwd()]))',
      'print("tuneforge:result value=0")',
    ].join('\n');
    const args = ['a b', `"q" 'q'`, '$(touch pwned)', '; ls', 'ü'];
    const outcome = await runCommandTrial({
      spec: { argv: ['python3', '-c', script, ...args] },
      params: hostile,
      trialNumber: 17,
      studyName: 'study with spaces; and $(x)',
      workdirRoot: root,
      keepWorkdir: true,
    });
    expect(outcome.state).toBe('COMPLETE');
    expect(outcome.attrs.env).toEqual(hostile);
    expect(outcome.attrs.file).toEqual(hostile);
    expect(outcome.attrs.argv).toEqual(args);
    expect(outcome.attrs.meta).toEqual(['17', 'study with spaces; and $(x)', outcome.workdir]);
    expect(readdirSync(outcome.workdir!)).toEqual(['params.json']);
    expect(existsSync(join(outcome.workdir!, 'pwned'))).toBe(false);
    rmSync(outcome.workdir!, { recursive: true });
  });

  it('gives each trial a fresh folder and removes it afterwards', async () => {
    const outcome = await run(
      python(
        'import os; open("junk", "w").write("x"); print("tuneforge:attr cwd=" + repr(os.getcwd())); print("tuneforge:result value=1")',
      ),
    );
    expect(outcome.state).toBe('COMPLETE');
    expect(outcome.workdir).toBeNull();
    expect(String(outcome.attrs.cwd)).toContain(join(root, 'tuneforge-trial-0-'));
    expect(existsSync(String(outcome.attrs.cwd))).toBe(false);
  });

  it("keeps the server's secrets out of the objective's environment, even when the worker has them", async () => {
    const secrets = {
      DATABASE_URL: 'postgres://u:pw-db@db/x',
      REDIS_URL: 'redis://:pw-redis@r',
      TUNEFORGE_API_TOKEN: 'pw-token',
    };
    const saved = { ...process.env };
    Object.assign(process.env, secrets, {
      PGPASSWORD: 'pw-pg',
      EXTRA_ALLOWED: 'visible',
      NOT_ALLOWED: 'hidden',
    });
    try {
      const outcome = await run({
        argv: ['sh', '-c', 'env; echo tuneforge:result value=0'],
        passEnv: ['EXTRA_ALLOWED'],
      });
      expect(outcome.state).toBe('COMPLETE');
      const names = outcome.logTail.split('\n').map((line) => line.split('=')[0]);
      for (const name of [...Object.keys(secrets), 'PGPASSWORD', 'NOT_ALLOWED'])
        expect(names).not.toContain(name);
      expect(outcome.logTail).not.toMatch(/pw-/);
      expect(outcome.logTail).toContain('EXTRA_ALLOWED=visible');
      expect(outcome.logTail).toContain(`PATH=${process.env.PATH}`);
    } finally {
      process.env = saved;
    }
  });
});

describe('command objectives: the line protocol and pruning', () => {
  it('passes reports and attrs to the callbacks in order, and returns the result', async () => {
    const seen: string[] = [];
    const outcome = await run(
      {
        argv: [
          'sh',
          '-c',
          'echo log one; echo "tuneforge:report step=1 value=0.5"; echo "tuneforge:attr note=hi there"; echo "tuneforge:report step=2 value=0.25"; echo log two; echo "tuneforge:result values=0.25,3"',
        ],
      },
      {
        onReport: async (value, step) => {
          await new Promise((r) => setTimeout(r, 20));
          seen.push(`report ${step} ${value}`);
          return false;
        },
        onAttr: (key, value) => {
          seen.push(`attr ${key} ${String(value)}`);
        },
      },
    );
    expect(outcome).toMatchObject({
      state: 'COMPLETE',
      values: [0.25, 3],
      attrs: { note: 'hi there' },
      logTail: 'log one\nlog two\n',
    });
    expect(seen).toEqual(['report 1 0.5', 'attr note hi there', 'report 2 0.25']);
  });

  it('stops the whole process group on prune, leaving no process behind', async () => {
    const marker = `tuneforge-prune-${process.pid}-${Date.now()}`;
    // Two background children, one of which ignores SIGTERM (so SIGKILL must follow), then a reporting loop.
    const script = [
      'sleep 300 &',
      'sh -c \'trap "" TERM; while :; do sleep 1; done\' &',
      'step=0',
      'while :; do step=$((step+1)); echo "tuneforge:report step=$step value=1"; sleep 0.05; done',
    ].join('\n');
    const started = Date.now();
    let runningAtPrune: number[] = [];
    const outcome = await run(
      { argv: ['sh', '-c', script], limits: { wallTimeMs: 10_000, killGraceMs: 300 } },
      {
        params: { marker },
        onReport: (_v, step) => {
          if (step === 3) runningAtPrune = processesWith(marker);
          return step >= 3;
        },
      },
    );
    expect(outcome).toMatchObject({ state: 'PRUNED', step: 3 });
    // The leader, `sleep 300`, and the TERM-ignoring shell (plus its sleep) were all there.
    expect(runningAtPrune.length).toBeGreaterThanOrEqual(3);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(processesWith(marker)).toEqual([]);
  });

  it('stops the program when the caller aborts (a worker shutting down)', async () => {
    const controller = new AbortController();
    const outcome = await run(
      {
        argv: ['sh', '-c', 'echo "tuneforge:report step=1 value=1"; sleep 30'],
        limits: { killGraceMs: 200 },
      },
      {
        signal: controller.signal,
        onReport: () => {
          controller.abort();
          return false;
        },
      },
    );
    expectFail(outcome, 'aborted', /aborted/);
  });

  it('ends FAIL when a report callback fails (e.g. storage down), and stops the program', async () => {
    const outcome = await run(
      {
        argv: ['sh', '-c', 'echo "tuneforge:report step=1 value=1"; sleep 30'],
        limits: { killGraceMs: 200 },
      },
      {
        onReport: () => {
          throw new Error('database is down');
        },
      },
    );
    expectFail(outcome, 'callback', /report of step 1 failed: database is down/);
  });

  it('ends FAIL when a report callback fails after the program already exited', async () => {
    const outcome = await run(
      { argv: ['sh', '-c', 'echo "tuneforge:report step=1 value=1"; echo tuneforge:result value=1'] },
      {
        onReport: async () => {
          await new Promise((r) => setTimeout(r, 200));
          throw new Error('database is down');
        },
      },
    );
    expectFail(outcome, 'callback', /report of step 1 failed: database is down/);
    expect(outcome.exitCode).toBe(0);
  });
});

describe('command objectives: failures end FAIL with a reason, and the runner keeps serving', () => {
  const healthy = python('print("tuneforge:result value=42")');

  afterEach(async () => {
    // Whatever the previous trial did, the next one runs normally.
    expect(await run(healthy)).toMatchObject({ state: 'COMPLETE', values: [42] });
  });

  it('a memory hog, over the address-space limit', async () => {
    const outcome = await run(
      python('x = bytearray(1024 * 1024 * 1024); print("tuneforge:result value=1")', { memoryMb: 200 }),
    );
    expectFail(outcome, 'memory', /memory limit of 200 MiB exceeded.*MemoryError/s);
  });

  it('an endless loop, over the wall-time limit', async () => {
    const started = Date.now();
    const outcome = await run({
      argv: ['sh', '-c', 'while :; do :; done'],
      limits: { wallTimeMs: 500, killGraceMs: 200 },
    });
    expectFail(outcome, 'wall-time', /wall-time limit of 500 ms exceeded/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a program printing 1 GB, over the output limit', async () => {
    const started = Date.now();
    const outcome = await run(
      python('import sys\nfor _ in range(1024): sys.stdout.buffer.write(b"x" * 1048576)', {
        outputBytes: 1024 * 1024,
      }),
    );
    expectFail(outcome, 'output', /output limit of 1 MiB exceeded/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome.logTail.length).toBeLessThan(100_000);
  });

  it('a non-zero exit, with the code and the stderr tail', async () => {
    const outcome = await run({
      argv: ['sh', '-c', 'echo "loading data" >&2; echo "Traceback: file not found" >&2; exit 3'],
    });
    expectFail(outcome, 'exit', /exited with code 3; stderr tail:\nloading data\nTraceback: file not found/);
    expect(outcome.exitCode).toBe(3);
  });

  it('a program killed by a signal it did not expect', async () => {
    const outcome = await run({ argv: ['sh', '-c', 'kill -SEGV $$'] });
    expectFail(outcome, 'signal', /killed by signal SIGSEGV/);
  });

  it('no result line', async () => {
    const outcome = await run({ argv: ['sh', '-c', 'echo "training done"'] });
    expectFail(outcome, 'no-result', /exited with code 0 without printing a result line/);
  });

  it('a malformed protocol line, naming the line, without waiting for the program to end', async () => {
    const started = Date.now();
    const outcome = await run({
      argv: ['sh', '-c', 'echo fine; echo "tuneforge:report step=two value=0.1"; sleep 30'],
      limits: { killGraceMs: 200 },
    });
    expectFail(
      outcome,
      'protocol',
      /stdout line 2: malformed protocol line "tuneforge:report step=two value=0.1": step must be an integer/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a second result line', async () => {
    const outcome = await run({
      argv: ['sh', '-c', 'echo tuneforge:result value=1; echo tuneforge:result value=2'],
    });
    expectFail(outcome, 'protocol', /a second result line/);
  });

  it('a program that does not exist', async () => {
    const outcome = await run({ argv: ['no-such-program-tuneforge', '--flag'] });
    expectFail(outcome, 'spawn', /'no-such-program-tuneforge' is not an executable file on PATH/);
  });
});

describe('command objectives: isolation tools', () => {
  it('runs in an empty network namespace when asked, or says why it cannot', async () => {
    const capabilities = await probeSandbox();
    const spec: CommandSpec = {
      argv: ['sh', '-c', 'cat /proc/net/dev; echo tuneforge:result value=0'],
      network: 'none',
    };
    if (!capabilities.network.available) {
      await expect(run(spec)).rejects.toThrow(/network isolation was requested but is not available: /);
      return;
    }
    const outcome = await run(spec);
    expect(outcome.state).toBe('COMPLETE');
    const interfaces = outcome.logTail
      .split('\n')
      .filter((line) => line.includes(':'))
      .map((line) => line.split(':')[0].trim());
    expect(interfaces).toEqual(['lo']);
    expect(outcome.logTail).toMatch(/Inter-\|/);
  });
});

describe('commandObjective with a study', () => {
  it('suggests the space, stores reports and attrs, prunes, and records FAILs without stopping the study', async () => {
    const space = parseSearchSpace([
      { name: 'x', type: 'float', low: 0, high: 1 },
      { name: 'mode', type: 'categorical', choices: ['ok', 'crash'] },
    ]);
    // Crashes when asked to; otherwise reports x at 3 steps and returns it.
    const script = [
      'import json, os, sys',
      'p = json.loads(os.environ["TUNEFORGE_PARAMS"])',
      'if p["mode"] == "crash":',
      '    print("boom", file=sys.stderr); sys.exit(3)',
      'for s in range(3): print(f"tuneforge:report step={s} value={p[\'x\'] + s}")',
      'print(f"tuneforge:attr doubled={2 * p[\'x\']}")',
      'print(f"tuneforge:result value={p[\'x\']}")',
    ].join('\n');
    const study = await createStudy({ sampler: new RandomSampler({ seed: 5 }) });
    await study.optimize(
      commandObjective(
        { argv: ['python3', '-c', script] },
        { space, studyName: study.studyName, workdirRoot: root },
      ),
      {
        nTrials: 10,
        catch: [ObjectiveFailedError],
      },
    );
    const trials = study.trials;
    expect(trials).toHaveLength(10);
    const byState = (state: FrozenTrial['state']) => trials.filter((t) => t.state === state);
    for (const t of byState('FAIL')) {
      expect(t.params.mode).toBe('crash');
      expect(t.systemAttrs.fail_reason).toMatch(/exited with code 3; stderr tail:\nboom/);
    }
    for (const t of [...byState('COMPLETE'), ...byState('PRUNED')]) expect(t.params.mode).toBe('ok');
    for (const t of byState('COMPLETE')) {
      expect(t.values).toEqual([t.params.x]);
      expect(t.intermediateValues).toEqual({
        0: t.params.x,
        1: (t.params.x as number) + 1,
        2: (t.params.x as number) + 2,
      });
      expect(t.userAttrs.doubled).toBeCloseTo(2 * (t.params.x as number), 12);
    }
    // The default MedianPruner stopped a trial whose first report was above the median (seeded, so stable).
    expect(byState('PRUNED').length).toBeGreaterThan(0);
    expect(byState('FAIL').length).toBeGreaterThan(0);
    expect(byState('COMPLETE').length).toBeGreaterThan(0);
  });
});
