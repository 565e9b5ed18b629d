/**
 * Objectives die with their worker: a worker SIGKILLed while its objective runs leaves no process of the
 * trial behind — not the objective, not its children, not the watchdog — within 2 s (issue 12). And the
 * launcher that makes it so is invisible to the program: stdin is /dev/null, the lifeline is not among
 * its descriptors, and a program that waits for all its children is not held up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCommandTrial, type CommandSpec } from './index';

jest.setTimeout(60_000);

const WORKER = resolve(__dirname, '../../../test/fixtures/sandbox-worker.ts');
/** The acceptance bound of issue 12: nothing of the trial alive 2 s after its worker's SIGKILL. */
const BOUND_MS = 2000;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tuneforge-lifeline-int-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Whether `pid` is a live process (a zombie has ended: it only waits to be reaped by init). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Pids of live processes whose environment contains `marker` (every process a trial starts inherits it). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (alive(Number(entry)) && readFileSync(`/proc/${entry}/environ`).includes(marker))
        found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** The process group of `pid`, from /proc/<pid>/stat (the field after the state and the parent). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** Polls `check` every 20 ms until it returns a value, or fails after `timeoutMs` naming `what`. */
async function waitFor<T>(what: string, timeoutMs: number, check: () => T | null): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls `done` every 20 ms until it holds or the deadline (epoch ms) passed; the caller then asserts. */
async function settles(deadline: number, done: () => boolean): Promise<void> {
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

function readPid(file: string): number | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8').trim();
  return /^\d+$/.test(text) ? Number(text) : null;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) =>
    child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r()),
  );
}

describe('objectives die with their worker', () => {
  it.each(['command', 'module'] as const)(
    'a %s objective and its grandchild are gone within 2 s of the worker being SIGKILLed',
    async (kind) => {
      const dir = mkdtempSync(join(root, `${kind}-`));
      const marker = `tuneforge-lifeline-${kind}-${process.pid}-${Date.now()}`;
      const worker = spawn(
        process.execPath,
        ['--import', 'tsx', WORKER, JSON.stringify({ kind, dir, marker })],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      worker.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      try {
        const grandchild = await waitFor('the objective to start its grandchild', 30_000, () => {
          if (worker.exitCode !== null) throw new Error(`the worker exited early: ${stderr}`);
          return readPid(join(dir, 'leader')) === null ? null : readPid(join(dir, 'grandchild'));
        });
        const leader = readPid(join(dir, 'leader'))!;
        // The trial is running as the test means it: the objective leads its own group, its child is in it.
        expect(processGroup(leader)).toBe(leader);
        expect(processGroup(grandchild)).toBe(leader);
        const trial = processesWith(marker);
        expect(trial).toEqual(expect.arrayContaining([leader, grandchild]));
        // ...plus the watchdog, in the same group.
        expect(trial.length).toBeGreaterThanOrEqual(3);
        for (const pid of trial) expect(processGroup(pid)).toBe(leader);

        const killedAt = Date.now();
        worker.kill('SIGKILL');
        await exited(worker);
        await settles(killedAt + BOUND_MS, () => processesWith(marker).length === 0);
        expect(processesWith(marker)).toEqual([]);
        for (const pid of trial) expect(alive(pid)).toBe(false);
      } finally {
        worker.kill('SIGKILL');
        for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL');
      }
    },
  );
});

describe('the lifeline is invisible to the program', () => {
  const run = (spec: CommandSpec) =>
    runCommandTrial({ spec, params: {}, trialNumber: 0, studyName: 'lifeline', workdirRoot: root });

  it('gives the program /dev/null as stdin and no descriptor on the lifeline', async () => {
    const script = [
      'echo "stdin=$(readlink /proc/$$/fd/0)"',
      '[ -e /proc/$$/fd/9 ] && echo "fd9=open" || echo "fd9=closed"',
      'echo "tuneforge:result value=1"',
    ].join('\n');
    const outcome = await run({ argv: ['sh', '-c', script], limits: { wallTimeMs: 10_000 } });
    expect(outcome).toMatchObject({ state: 'COMPLETE', logTail: 'stdin=/dev/null\nfd9=closed\n' });
  });

  it("ends with the program's own status (the launcher execs it, it does not wrap it)", async () => {
    const outcome = await run({ argv: ['sh', '-c', 'kill -USR1 $$'], limits: { wallTimeMs: 10_000 } });
    expect(outcome).toMatchObject({ state: 'FAIL', kind: 'signal', signal: 'SIGUSR1' });
  });

  it('does not hold up a program that waits for all its children', async () => {
    // wait() until ECHILD: the watchdog is not the program's child, so this returns once `true` is reaped.
    const script = [
      'import os, subprocess',
      'subprocess.Popen(["true"])',
      'while True:',
      '    try: os.wait()',
      '    except ChildProcessError: break',
      'print("tuneforge:result value=1")',
    ].join('\n');
    const outcome = await run({ argv: ['python3', '-c', script], limits: { wallTimeMs: 10_000 } });
    expect(outcome).toMatchObject({ state: 'COMPLETE', values: [1] });
  });
});
