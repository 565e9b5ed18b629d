/**
 * The platform as real processes (api, scheduler, workers), as test/support/platform-harness.ts starts
 * them, but on the chaos run's own Postgres and Redis, with every process's output in a log file of the
 * scenario's folder, and roles that can be killed and started again one by one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, killOnInterrupt, sleep } from './services';

const ROOT = join(__dirname, '..', '..');

export type Role = 'api' | 'scheduler' | 'worker';

export interface RoleProcess {
  role: Role;
  /** TUNEFORGE_WORKER_ID (the `worker_id` of the trials a worker runs); also the log file's name. */
  id: string;
  child: ChildProcess;
  logFile: string;
}

export interface ChaosPlatformOptions {
  databaseUrl: string;
  redisUrl: string;
  objectivesDir: string;
  /** Folder for the processes' logs. */
  dir: string;
  workers: number;
  env?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  body: any;
}

export class ChaosPlatform {
  readonly processes: RoleProcess[] = [];
  private counter = 0;

  private constructor(
    private readonly env: Record<string, string>,
    private readonly dir: string,
    readonly url: string,
  ) {}

  /** Starts api, scheduler and the workers; resolves once the API answers /health. */
  static async start(options: ChaosPlatformOptions): Promise<ChaosPlatform> {
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      TUNEFORGE_QUEUE_PREFIX: 'chaos',
      TUNEFORGE_OBJECTIVES_DIR: options.objectivesDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...options.env,
    };
    const platform = new ChaosPlatform(env, options.dir, `http://127.0.0.1:${port}`);
    platform.spawn('api');
    platform.spawn('scheduler');
    for (let i = 0; i < options.workers; i++) platform.spawn('worker');
    try {
      await platform.waitHealthy(90_000);
    } catch (e) {
      await platform.stop();
      throw e;
    }
    return platform;
  }

  spawn(role: Role): RoleProcess {
    const id = `${role}-${++this.counter}`;
    const logFile = join(this.dir, `${id}.log`);
    const child = spawn(process.execPath, ['-r', './bin/swc-register.js', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...this.env, TUNEFORGE_ROLE: role, TUNEFORGE_WORKER_ID: id },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(logFile, { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const forget = killOnInterrupt(() => child.kill('SIGKILL'));
    child.once('exit', forget);
    const proc = { role, id, child, logFile };
    this.processes.push(proc);
    return proc;
  }

  alive(role?: Role): RoleProcess[] {
    return this.processes.filter(
      (p) =>
        (role === undefined || p.role === role) && p.child.exitCode === null && p.child.signalCode === null,
    );
  }

  /** SIGKILL, and waits for the exit. */
  async kill(proc: RoleProcess): Promise<void> {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
    proc.child.kill('SIGKILL');
    await exited;
  }

  /** A request to the API that gives up after `timeoutMs` (then the answer is status 0). */
  async request(
    path: string,
    init: { method?: string; body?: unknown; timeoutMs?: number } = {},
  ): Promise<ApiAnswer> {
    try {
      const res = await fetch(this.url + path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: { 'content-type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body };
    } catch (e) {
      return { status: 0, body: String(e) };
    }
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const dead = this.processes.find((p) => p.child.exitCode !== null);
      if (dead) throw new Error(`the ${dead.id} process exited at start (see ${dead.logFile})`);
      if ((await this.request('/health', { timeoutMs: 2000 })).status === 200) return;
      if (Date.now() > deadline) throw new Error(`the API was not healthy after ${timeoutMs / 1000} s`);
      await sleep(200);
    }
  }

  /** Resolves with the moment `proc` logged its start line ("<role> started"), i.e. it serves. */
  async started(proc: RoleProcess, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!(await readFile(proc.logFile, 'utf8').catch(() => '')).includes(`"${proc.role} started`)) {
      if (proc.child.exitCode !== null) throw new Error(`${proc.id} exited at start (see ${proc.logFile})`);
      if (Date.now() > deadline) throw new Error(`${proc.id} did not log its start in ${timeoutMs / 1000} s`);
      await sleep(100);
    }
    return Date.now();
  }

  /** SIGTERM to every process still running, SIGKILL after 8 s. */
  async stop(): Promise<void> {
    await Promise.all(
      this.alive().map(
        (p) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => p.child.kill('SIGKILL'), 8000);
            p.child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            p.child.kill('SIGTERM');
          }),
      ),
    );
  }
}
