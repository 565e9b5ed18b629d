import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ChildOptions } from './storage-optimize-child';

/** Helpers of the storage e2e tests: worker processes started with tsx. */

const CHILD = join(__dirname, 'storage-optimize-child.ts');

export interface Worker {
  readonly process: ChildProcess;
  /** Resolves when the child printed `ready`. */
  readonly ready: Promise<void>;
  /** Resolves with the child's `{"done": n}` when it exits 0; rejects with its stderr otherwise. */
  readonly result: Promise<{ done: number }>;
  go(): void;
}

const running = new Set<ChildProcess>();

/** Kills the workers still running (after a failed or timed-out test). */
export function killWorkers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function startWorker(options: ChildOptions): Worker {
  // tsx as a loader of this node process (not its CLI, which would run the script in a grandchild
  // that a signal to the child never reaches).
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(options)], {
    cwd: join(__dirname, '..'),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('ready\n')) markReady();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const result = new Promise<{ done: number }>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line) as { done: number });
      else reject(new Error(`worker exited with ${signal ?? code}: ${stderr.trim().slice(-2000)}`));
    });
  });
  // A child that fails before `ready` must not leave the caller waiting.
  result.catch(() => markReady());
  return { process: child, ready, result, go: () => child.stdin!.end('go\n') };
}
