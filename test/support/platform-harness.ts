import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port';
import { deleteKeysOfPrefix } from '../../libs/platform/src/testing/prefix-keys';
import { freshPostgresDatabase, type FreshDatabase } from '../../libs/storage/src/testing/fresh-database';

const ROOT = join(__dirname, '..', '..');

export type Role = 'api' | 'scheduler' | 'worker';

export interface RoleProcess {
  role: Role;
  /** TUNEFORGE_WORKER_ID of the process (the `worker` of the trials it runs). */
  workerId: string;
  child: ChildProcess;
  /** Everything the process printed, for failure messages. */
  output: string[];
}

/** The last `n` lines a role printed, for failure messages. */
export function lastLines(proc: RoleProcess | undefined, n = 40): string {
  return (proc?.output ?? []).join('').split('\n').slice(-n).join('\n');
}

export interface Platform {
  url: string;
  token: string | null;
  database: FreshDatabase;
  prefix: string;
  processes: RoleProcess[];
  /** fetch against the API, with the token when there is one. */
  request(
    path: string,
    init?: { method?: string; body?: unknown; auth?: boolean },
  ): Promise<{ status: number; body: any }>;
  /** Starts one more process of a role (e.g. a worker), with `extraEnv` over the platform's (e.g. its resources). */
  spawnRole(role: Role, extraEnv?: Record<string, string>): RoleProcess;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  workers?: number;
  token?: string | null;
  env?: Record<string, string>;
  /** The DATABASE_URL the processes use, from the fresh database (e.g. through a pooler). @defaultValue its url */
  databaseUrl?: (database: FreshDatabase) => string;
  /** Node's own options for every role's process (e.g. `--cpu-prof`, not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
}

/**
 * Starts the platform as real processes (api, scheduler, N workers) on a fresh Postgres database and a
 * fresh Redis key prefix, the topology of docker/compose.yml. `stop()` ends them and drops everything.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const database = await freshPostgresDatabase('tuneforge_e2e');
  const prefix = `tfe2e${process.pid}${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  const token = options.token === undefined ? null : options.token;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    DATABASE_URL: options.databaseUrl ? options.databaseUrl(database) : database.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    TUNEFORGE_QUEUE_PREFIX: prefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    TUNEFORGE_SWEEP_SECONDS: '1',
    ...(token ? { TUNEFORGE_API_TOKEN: token } : {}),
    ...options.env,
  };
  const processes: RoleProcess[] = [];
  let roleCounter = 0;
  const spawnRole = (role: Role, extraEnv: Record<string, string> = {}): RoleProcess => {
    const workerId = `${role}-${++roleCounter}`;
    const child = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), '-r', './bin/swc-register.js', 'src/main.ts'],
      {
        cwd: ROOT,
        env: { ...env, ...extraEnv, TUNEFORGE_ROLE: role, TUNEFORGE_WORKER_ID: workerId },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const proc: RoleProcess = { role, workerId, child, output: [] };
    const keep = (chunk: Buffer) => {
      proc.output.push(chunk.toString());
      if (proc.output.length > 400) proc.output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    processes.push(proc);
    return proc;
  };

  const url = `http://127.0.0.1:${port}`;
  const request: Platform['request'] = async (path, init = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token && init.auth !== false) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(url + path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (e) {
      // A refused or cut connection: when the api process died, its last words are what the failure needs.
      const api = processes.find((p) => p.role === 'api');
      if (api && (api.child.exitCode !== null || api.child.signalCode !== null)) {
        throw new Error(
          `the api process exited (${api.child.exitCode ?? api.child.signalCode}):\n${lastLines(api)}`,
        );
      }
      throw e;
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (CSV, HTML)
    }
    return { status: res.status, body };
  };

  const stop = async () => {
    await Promise.all(
      processes.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
            const timer = setTimeout(() => p.child.kill('SIGKILL'), 8000);
            p.child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            p.child.kill('SIGTERM');
          }),
      ),
    );
    const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
    await deleteKeysOfPrefix(redis, prefix);
    await redis.quit();
    await database.drop();
  };

  spawnRole('api');
  spawnRole('scheduler');
  for (let i = 0; i < (options.workers ?? 2); i++) spawnRole('worker');

  const deadline = Date.now() + 60_000;
  for (;;) {
    const dead = processes.find((p) => p.child.exitCode !== null);
    if (dead) {
      await stop();
      throw new Error(`the ${dead.role} process exited at start:\n${dead.output.join('')}`);
    }
    try {
      const health = await request('/health', { auth: false });
      if (health.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `the platform did not become healthy:\n${processes.map((p) => p.output.join('')).join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, token, database, prefix, processes, request, spawnRole, stop };
}

/** Polls GET /studies/:id until the study leaves RUNNING (or the time runs out). */
export async function waitForStudy(
  platform: Platform,
  id: number | string,
  timeoutMs = 60_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await platform.request(`/studies/${id}`);
    if (body.state !== 'RUNNING') return body;
    if (Date.now() > deadline) {
      // The scheduler's last lines say why (a refill that failed, a lock held): the failure shows them.
      const scheduler = platform.processes.find((p) => p.role === 'scheduler');
      throw new Error(
        `study ${id} still RUNNING after ${timeoutMs} ms: ${JSON.stringify(body.counts)}\n` +
          `scheduler output (last lines):\n${lastLines(scheduler)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The study a topology test (Redis Cluster, PgBouncer, …) runs end to end: TPE on the built-in learning
 * curve with the median pruner, 24 trials, 4 at once. Posts it, waits until it completes and checks that
 * every trial ended COMPLETE or PRUNED; returns the study as `GET /studies/:id` shows it.
 */
export async function runPrunedStudy(platform: Platform, name: string, timeoutMs: number): Promise<any> {
  const created = await platform.request('/studies', {
    body: {
      name,
      objective: { builtin: 'learning_curve' },
      sampler: { type: 'tpe' },
      pruner: { type: 'median' },
      budget: { nTrials: 24, maxParallel: 4 },
      seed: 1,
    },
  });
  expect(created.status).toBe(201);
  const study = await waitForStudy(platform, created.body.id, timeoutMs);
  expect(study.state).toBe('COMPLETED');
  expect(study.counts.COMPLETE + study.counts.PRUNED).toBe(24);
  return study;
}
