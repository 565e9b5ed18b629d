/**
 * Starts the whole platform on this machine, one OS process per role, the topology of docker/compose.yml:
 *
 *   tsx scripts/platform.ts [--workers N] [--port P]        (npm run platform -- --workers 4)
 *
 * The dashboard is built first when dashboard/dist is missing or older than its sources (a fresh clone).
 * api + scheduler + N workers, each `node -r ./bin/swc-register.js src/main.ts` with its TUNEFORGE_ROLE,
 * against DATABASE_URL (the database is created when missing) and REDIS_URL, defaulting to the local
 * services. Every other setting is passed through from the environment (see docs/PLATFORM.md).
 * Each log line is prefixed with its process's name. Ctrl-C or SIGTERM stops every process (SIGTERM, then
 * SIGKILL after a grace period); if one process dies, the others are stopped and the launcher exits 1.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDashboardBuilt, viteBuild } from './lib/dashboard-build';
import { ProcessGroup, type ChildSpec } from './lib/process-group';
import { readyBanner } from './lib/ready-banner';
import {
  checkPortFree,
  checkRedis,
  ensureDatabase,
  redactUrl,
  ServiceError,
  waitForHealth,
} from './lib/services';

const ROOT = join(__dirname, '..');
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tuneforge';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** How long a role may take to shut down gracefully (a worker hands back its trials) before SIGKILL. */
const GRACE_MS = 10_000;
/** How often the launcher looks whether the process that started it is still there. */
const PARENT_CHECK_MS = 1000;
/** Every role compiles its sources with swc at start: on two busy cores that takes a while. */
const HEALTH_TIMEOUT_MS = 120_000;

const USAGE = `usage: tsx scripts/platform.ts [--workers N] [--port P]

Starts api + scheduler + N worker processes (default 2) on port P (default $PORT or 3000).
Environment: DATABASE_URL (default ${DEFAULT_DATABASE_URL}), REDIS_URL (default ${DEFAULT_REDIS_URL}),
REDIS_CLUSTER_NODES (a Redis Cluster's seed nodes, host:port,…, instead of REDIS_URL's server),
TUNEFORGE_OBJECTIVES_DIR (default examples/objectives), and every other setting of docs/PLATFORM.md.`;

/** Bad command-line arguments. */
class UsageError extends Error {}

interface Options {
  workers: number;
  port: number;
}

function parseOptions(argv: string[]): Options {
  let values: { workers?: string; port?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        workers: { type: 'string', short: 'w' },
        port: { type: 'string', short: 'p' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (raw: string | undefined, fallback: number, name: string, min: number, max: number) => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max)
      throw new UsageError(`${name} must be an integer from ${min} to ${max}, got '${raw}'.`);
    return n;
  };
  return {
    workers: int(values.workers, 2, '--workers', 1, 64),
    port: int(values.port ?? process.env.PORT, 3000, values.port === undefined ? 'PORT' : '--port', 1, 65535),
  };
}

function roles(options: Options, env: NodeJS.ProcessEnv): ChildSpec[] {
  const child = (name: string, extra: NodeJS.ProcessEnv): ChildSpec => ({
    name,
    command: process.execPath,
    args: ['-r', './bin/swc-register.js', 'src/main.ts'],
    cwd: ROOT,
    env: { ...env, ...extra },
  });
  const workers = Array.from({ length: options.workers }, (_, i) =>
    child(`worker-${i + 1}`, {
      TUNEFORGE_ROLE: 'worker',
      TUNEFORGE_WORKER_ID: `${hostname()}-worker-${i + 1}`,
    }),
  );
  return [
    child('api', { TUNEFORGE_ROLE: 'api', PORT: String(options.port) }),
    child('scheduler', { TUNEFORGE_ROLE: 'scheduler' }),
    ...workers,
  ];
}

/** REDIS_URL (its credentials and TLS) pointed at the first seed node of REDIS_CLUSTER_NODES. */
function seedNodeUrl(redisUrl: string, clusterNodes: string): string {
  const url = new URL(redisUrl);
  url.host = clusterNodes.split(',')[0].trim();
  return url.toString();
}

/** The parent of `pid` (from /proc), or null where there is no /proc or no such process. */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** This process's parent and that parent's own parent (null where /proc cannot say). */
function startingProcesses(): [number, number | null] {
  return [process.ppid, parentOf(process.ppid)];
}

function sameStarters([parent, grandparent]: [number, number | null]): boolean {
  return process.ppid === parent && (grandparent === null || parentOf(parent) === grandparent);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL || DEFAULT_REDIS_URL,
    // `??`: an explicit empty value turns the registry off.
    TUNEFORGE_OBJECTIVES_DIR: process.env.TUNEFORGE_OBJECTIVES_DIR ?? join(ROOT, 'examples', 'objectives'),
    // Nest colours its logs unless NO_COLOR is set; keep them for a terminal only.
    ...(process.stdout.isTTY ? {} : { NO_COLOR: '1' }),
  };
  let exitCode = 0;
  let shutdown: Promise<void> | null = null;
  const stopAll = (code: number): Promise<void> => {
    exitCode = Math.max(exitCode, code);
    shutdown ??= group.stop(GRACE_MS).then(() => process.exit(exitCode));
    return shutdown;
  };
  const group = new ProcessGroup(roles(options, env), (name, how) => {
    say(`${name} ${how}: stopping the others`);
    void stopAll(1);
  });
  const say = (line: string) => group.announce(line);

  // First, so that nothing is created for a launch that cannot serve. Where the API will listen (its own
  // default: loopback unless a token is set).
  await checkPortFree(env.HOST ?? (env.TUNEFORGE_API_TOKEN ? '0.0.0.0' : '127.0.0.1'), options.port);
  if (await ensureDatabase(env.DATABASE_URL!)) say(`created the database of ${redactUrl(env.DATABASE_URL!)}`);
  // On a Redis Cluster (REDIS_CLUSTER_NODES) the roles reach its seed nodes, REDIS_URL giving only the
  // credentials and TLS: the first seed node is the one checked.
  const clusterNodes = env.REDIS_CLUSTER_NODES?.trim() || null;
  const redisWarning = clusterNodes
    ? await checkRedis(seedNodeUrl(env.REDIS_URL!, clusterNodes), 'REDIS_CLUSTER_NODES')
    : await checkRedis(env.REDIS_URL!);
  if (redisWarning) say(`warning: ${redisWarning}`);

  const dashboard = await ensureDashboardBuilt(
    join(ROOT, 'dashboard'),
    () => viteBuild(ROOT),
    (state) =>
      say(
        `building the dashboard (dashboard/dist is ${state === 'missing' ? 'missing' : 'older than its sources'}): vite build dashboard`,
      ),
  );
  if (dashboard.state !== 'fresh') {
    say(
      dashboard.built
        ? 'built the dashboard'
        : `warning: the dashboard could not be built (${dashboard.error}); the rest of the platform starts without it`,
    );
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (shutdown) {
        say(`${signal} again: killing every process now`);
        group.kill();
        return;
      }
      say(
        `${signal}: stopping every process (SIGTERM, SIGKILL after ${GRACE_MS / 1000} s; again to kill now)`,
      );
      void stopAll(0);
    });
  }
  // `kill <pid of npm>` ends npm without passing the signal on, and leaves the launcher (under tsx's
  // wrapper process) and every role running, the port taken. Once the processes that started it are gone
  // (its parent, or its parent's parent, reparented), it stops them as for SIGTERM.
  const starters = startingProcesses();
  setInterval(() => {
    if (shutdown || sameStarters(starters)) return;
    say('the process that started the launcher is gone (npm killed?): stopping every process');
    void stopAll(0);
  }, PARENT_CHECK_MS).unref();

  const prefix = env.TUNEFORGE_QUEUE_PREFIX || 'tuneforge';
  say(
    `starting api, scheduler and ${options.workers} worker(s) on ${redactUrl(env.DATABASE_URL!)}, ${clusterNodes ? `the Redis Cluster of ${clusterNodes}` : redactUrl(env.REDIS_URL!)} (queue prefix ${prefix})`,
  );
  try {
    group.start();
  } catch (e) {
    group.kill(); // spawn() threw for one of them: leave none of the others behind
    throw e;
  }

  // The API listens on HOST (loopback unless a token is set); the health check goes through loopback.
  const host = !env.HOST || ['0.0.0.0', '::'].includes(env.HOST) ? '127.0.0.1' : env.HOST;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${options.port}`;
  const started = Date.now();
  const healthy = await waitForHealth(`${base}/health`, HEALTH_TIMEOUT_MS, () => group.isStopping);
  if (group.isStopping) return; // a process died or a signal came: stopAll is already under way
  if (!healthy) {
    say(`${base}/health did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s: stopping`);
    await stopAll(1);
    return;
  }
  const banner = readyBanner({
    base,
    seconds: (Date.now() - started) / 1000,
    token: Boolean(env.TUNEFORGE_API_TOKEN),
    dashboardBuilt: dashboard.state === 'fresh' || dashboard.built,
  });
  for (const line of banner) say(line);
}

main().catch((e: unknown) => {
  // Our own errors are one line; anything else is a bug: show the stack.
  const message =
    e instanceof UsageError
      ? `${e.message} (--help for usage)`
      : e instanceof ServiceError
        ? e.message
        : String((e as Error).stack ?? e);
  process.stderr.write(`platform: ${message}\n`);
  process.exit(1);
});
