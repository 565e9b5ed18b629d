/**
 * One sandboxed child process, shared by the command and module runners: spawned as the leader of its own
 * process group (so that everything it starts can be stopped at once), watched for its wall time and
 * output size, its stdout split into lines and its logs kept as bounded tails. Stopping sends SIGTERM to
 * the whole group, then SIGKILL after a grace period; when the leader exits, whatever it left running in
 * the group is killed too, so nothing outlives its trial. And nothing outlives its worker: the program is
 * started on a lifeline (worker-lifeline.ts) whose watchdog kills the group when the worker dies.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { RunDiscarded } from './errors';
import { LineSplitter, TailBuffer } from './output-capture';
import { MAX_EXTRA_PIPES, withLifeline } from './worker-lifeline';

/** Why the sandbox stopped the process (the first reason wins). */
export type StopReason =
  | { readonly kind: 'prune' }
  | { readonly kind: 'wall-time' }
  | { readonly kind: 'output' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'protocol'; readonly message: string }
  | { readonly kind: 'callback'; readonly message: string };

export interface SandboxProcessOptions {
  /** Absolute path of the program, and its arguments. */
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  wallTimeMs: number;
  outputBytes: number;
  killGraceMs: number;
  /** Characters of stdout log and stderr kept for the outcome. */
  tailChars: number;
  /** Longest stdout line handed to `onLine`; longer ones are cut. */
  maxLineChars: number;
  /** Each stdout line, in order. */
  onLine(line: string, truncated: boolean): void;
  /** Extra pipes after stdin/stdout/stderr (fd 3, ...), e.g. the module runner's trial channel. At most 4. */
  extraPipes?: number;
  signal?: AbortSignal;
}

export interface ProcessExit {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stopReason: StopReason | null;
  /** Set when the program could not be started at all. */
  readonly spawnError: Error | null;
  readonly stderrTail: string;
  readonly durationMs: number;
  readonly outputBytes: number;
}

/** How long to wait for the pipes to close once the group is dead (a child that escaped the group could hold them). */
const CLOSE_WAIT_MS = 1000;

/** Sends `signal` to every process of the group led by `pid`; a group already gone is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

export class SandboxProcess {
  readonly child: ChildProcess;
  /** Resolves once the process ended and its output was read; never rejects. */
  readonly done: Promise<ProcessExit>;
  private stopReason: StopReason | null = null;
  private exited = false;
  private outputBytes = 0;
  private readonly stderrTail: TailBuffer;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: SandboxProcessOptions) {
    const started = performance.now();
    this.stderrTail = new TailBuffer(options.tailChars);
    const extraPipes = options.extraPipes ?? 0;
    if (!Number.isInteger(extraPipes) || extraPipes < 0 || extraPipes > MAX_EXTRA_PIPES)
      throw new RangeError(`extraPipes must be an integer in 0..${MAX_EXTRA_PIPES}, got ${extraPipes}`);
    const stdio: StdioOptions = [
      // The lifeline: never written to, closed by the kernel when this process ends, however it ends.
      'pipe',
      'pipe',
      'pipe',
      ...Array.from({ length: extraPipes }, () => 'pipe' as const),
    ];
    const launch = withLifeline(options.file, options.args);
    this.child = spawn(launch.file, launch.args, {
      cwd: options.cwd,
      env: options.env,
      stdio,
      // setsid(): the child leads a new process group, so kill(-pid) reaches everything it starts. The
      // launcher execs the program, so the program keeps this pid and leads the group.
      detached: true,
      windowsHide: true,
    });
    const splitter = new LineSplitter(options.maxLineChars, (line, truncated) => {
      if (this.stopReason?.kind !== 'output') options.onLine(line, truncated);
    });

    this.done = new Promise<ProcessExit>((resolve) => {
      let spawnError: Error | null = null;
      let exitCode: number | null = null;
      let exitSignal: NodeJS.Signals | null = null;
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        for (const t of this.timers) clearTimeout(t);
        options.signal?.removeEventListener('abort', onAbort);
        splitter.end();
        resolve({
          code: exitCode,
          signal: exitSignal,
          stopReason: this.stopReason,
          spawnError,
          stderrTail: this.stderrTail.toString(),
          durationMs: performance.now() - started,
          outputBytes: this.outputBytes,
        });
      };
      const onAbort = () =>
        this.stop({ kind: 'aborted' }, options.signal?.reason instanceof RunDiscarded ? 0 : undefined);

      this.child.on('error', (e) => {
        // Only a failed spawn matters here; a failed kill of a dead process is not an outcome.
        if (this.child.pid === undefined) {
          spawnError = e;
          finish();
        }
      });
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        exitCode = code;
        exitSignal = signal;
        // The leader is gone: whatever it started and left behind dies with the trial.
        if (this.child.pid !== undefined) killGroup(this.child.pid, 'SIGKILL');
        this.timers.push(setTimeout(() => this.destroyPipes(), CLOSE_WAIT_MS));
      });
      this.child.on('close', finish);

      this.child.stdout!.on('data', (chunk: Buffer) => {
        if (this.count(chunk.length)) splitter.push(chunk);
      });
      this.child.stderr!.on('data', (chunk: Buffer) => {
        if (this.count(chunk.length)) this.stderrTail.append(chunk.toString('utf8'));
      });
      for (const stream of this.child.stdio) stream?.on('error', () => undefined);

      if (this.child.pid !== undefined) {
        this.timers.push(setTimeout(() => this.stop({ kind: 'wall-time' }), options.wallTimeMs));
        if (options.signal?.aborted) onAbort();
        else options.signal?.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  /**
   * Stops the whole process group: SIGTERM now, SIGKILL after the grace period (none: SIGKILL now).
   * The first reason is kept.
   */
  stop(reason: StopReason, graceMs = this.options.killGraceMs): void {
    if (this.stopReason !== null || this.exited || this.child.pid === undefined) return;
    this.stopReason = reason;
    const pid = this.child.pid;
    if (graceMs <= 0) {
      killGroup(pid, 'SIGKILL');
      return;
    }
    killGroup(pid, 'SIGTERM');
    this.timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs));
  }

  /** Counts output against the limit; false once the limit is passed (the rest is not even decoded). */
  private count(bytes: number): boolean {
    this.outputBytes += bytes;
    if (this.outputBytes > this.options.outputBytes) {
      this.stop({ kind: 'output' });
      return false;
    }
    return this.stopReason?.kind !== 'output';
  }

  private destroyPipes(): void {
    for (const stream of this.child.stdio) stream?.destroy();
  }
}
