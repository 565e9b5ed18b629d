import { hostname } from 'node:os';
import { InvalidResourcesError, parseResources, type Resources } from '@tuneforge/platform';

export const ROLES = ['api', 'scheduler', 'worker', 'all'] as const;
export type Role = (typeof ROLES)[number];

/** The platform's settings, read once from the environment at start (`loadPlatformConfig`). */
export abstract class PlatformConfig {
  abstract readonly role: Role;
  /** postgres://user@host:port/db */
  abstract readonly databaseUrl: string;
  /** redis://host:port[/db] */
  abstract readonly redisUrl: string;
  /**
   * The seed nodes of a Redis Cluster (`REDIS_CLUSTER_NODES=host:port,host:port`), used instead of
   * `redisUrl`'s host, port and db (its user, password and `rediss:` still apply); null: one Redis server.
   */
  abstract readonly redisClusterNodes: readonly RedisNode[] | null;
  /** Bearer token for mutating routes and Bull Board; null = open, API on loopback only. */
  abstract readonly apiToken: string | null;
  abstract readonly host: string;
  abstract readonly port: number;
  /** Trials one worker process runs at once. @defaultValue 4 */
  abstract readonly workerConcurrency: number;
  /**
   * What a worker offers to trials that need resources (`TUNEFORGE_WORKER_RESOURCES=gpu=2,cpu=8`): it runs
   * the trials whose study's `resources` it meets, as many at once as they fit. @defaultValue {} (runs only
   * trials that need nothing)
   */
  abstract readonly workerResources: Resources;
  /** BullMQ and Redis key prefix. @defaultValue tuneforge */
  abstract readonly queuePrefix: string;
  /** Extra runs of a trial whose worker was lost, for studies that do not set `retry.maxRetries`. @defaultValue 1 */
  abstract readonly maxRetries: number;
  abstract readonly workerId: string;
  /** Folder of objective manifests (`*.json`), or null. */
  abstract readonly objectivesDir: string | null;
  abstract readonly allowInlineCommands: boolean;
  /** Seconds between the scheduler's sweeps over running studies. @defaultValue 2 */
  abstract readonly sweepSeconds: number;
  /**
   * Seconds a worker's lease on a running trial lasts without renewal (workers renew every fifth of
   * it); a trial whose lease lapsed is run again or failed by the scheduler. @defaultValue 10
   */
  abstract readonly leaseSeconds: number;
  /** Dashboard and read-only routes answer without the token. @defaultValue true */
  abstract readonly publicRead: boolean;
  /**
   * Postgres connections of each of the process's two pools (synchronous and asynchronous commits), so at
   * most twice this many (`TUNEFORGE_PG_POOL_SIZE`). @defaultValue per role, see {@link defaultPoolSize}
   */
  abstract readonly pgPoolSize: number;
  /**
   * Connections go through a pooler in transaction mode, e.g. PgBouncer `pool_mode = transaction`
   * (`TUNEFORGE_PG_TRANSACTION_POOLING=1`): no named prepared statements and no session settings.
   * @defaultValue false
   */
  abstract readonly pgTransactionPooling: boolean;
}

/**
 * Postgres connections per pool when TUNEFORGE_PG_POOL_SIZE is not set, from what a role runs at once:
 * - api: 10 (pg's default): a request runs at most three statements at once, and one process's event loop
 *   is busy long before ten are in flight;
 * - scheduler: 4: its refills (of up to 8 studies at once) and its sweep run a statement or two at a time each
 *   (a bulk read takes one connection of each pool) and wait for the pool's connections in turn;
 * - worker: its concurrency + 2, at most WORKER_POOL_CAP: each running trial has at most one statement in
 *   flight, plus the lease renewals and a study's first load; but claims and finishes go out grouped, so a
 *   busy worker needs a few connections, not one per trial;
 * - all: the sum of the api's and a worker's.
 */
export function defaultPoolSize(role: Role, workerConcurrency: number): number {
  switch (role) {
    case 'api':
      return 10;
    case 'scheduler':
      return 4;
    case 'worker':
      return workerPoolSize(workerConcurrency);
    default:
      return 10 + workerPoolSize(workerConcurrency);
  }
}

/**
 * A worker's connections per pool stop here whatever its concurrency. Uncapped, two workers at concurrency 64
 * could open 2 × 2 × 66 connections, past Postgres's default `max_connections` of 100: bursts of statements
 * opened them, the server refused the rest, and trials waited seconds on the retries of refused connections
 * (bench:platform-cpu at 2 workers × 64: ~800 trials/s instead of ~2 000). With grouped claims and finishes, a
 * worker at concurrency 64 runs as fast on 4 connections per pool as on 10.
 */
const WORKER_POOL_CAP = 10;

function workerPoolSize(workerConcurrency: number): number {
  return Math.min(workerConcurrency + 2, WORKER_POOL_CAP);
}

/** A Redis server's address. */
export interface RedisNode {
  host: string;
  port: number;
}

/** Settings that cannot start the platform; the message lists every problem, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

function intSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got '${raw}'.`);
    return fallback;
  }
  return n;
}

function urlSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  schemes: string[],
  example: string,
  problems: string[],
) {
  const raw = env[name];
  if (!raw) {
    problems.push(`${name} is not set: set it to ${example}.`);
    return '';
  }
  try {
    const url = new URL(raw);
    if (!schemes.includes(url.protocol)) {
      problems.push(
        `${name} must start with ${schemes.map((s) => s + '//').join(' or ')}, got '${url.protocol}//…'.`,
      );
    }
  } catch {
    problems.push(`${name} is not a URL: expected something like ${example}.`);
  }
  return raw;
}

/** REDIS_CLUSTER_NODES: comma-separated host:port seed nodes of a Redis Cluster; null when unset. */
function clusterNodesSetting(env: NodeJS.ProcessEnv, problems: string[]): RedisNode[] | null {
  const raw = env.REDIS_CLUSTER_NODES?.trim();
  if (!raw) return null;
  const nodes: RedisNode[] = [];
  for (const entry of raw.split(',').map((e) => e.trim())) {
    const match = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535) {
      problems.push(
        `REDIS_CLUSTER_NODES must be comma-separated host:port pairs (e.g. 10.0.0.1:7000,10.0.0.2:7000), got '${entry}'.`,
      );
      return null;
    }
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  return nodes;
}

function workerResourcesSetting(env: NodeJS.ProcessEnv, problems: string[]): Resources {
  try {
    return parseResources(env.TUNEFORGE_WORKER_RESOURCES ?? '');
  } catch (e) {
    if (!(e instanceof InvalidResourcesError)) throw e;
    problems.push(
      `TUNEFORGE_WORKER_RESOURCES must list name=amount pairs separated by commas (e.g. gpu=2,cpu=8): ${e.message}.`,
    );
    return {};
  }
}

/** Reads and checks every setting; throws a ConfigError naming each bad one. */
export function loadPlatformConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const problems: string[] = [];
  const role = (env.TUNEFORGE_ROLE ?? 'all') as Role;
  if (!ROLES.includes(role))
    problems.push(`TUNEFORGE_ROLE must be one of ${ROLES.join(', ')}, got '${role}'.`);
  const databaseUrl = urlSetting(
    env,
    'DATABASE_URL',
    ['postgres:', 'postgresql:'],
    'postgres://postgres@127.0.0.1:5432/tuneforge',
    problems,
  );
  const redisClusterNodes = clusterNodesSetting(env, problems);
  // On a cluster REDIS_URL only carries credentials and TLS: it may be left out.
  const redisUrl =
    env.REDIS_CLUSTER_NODES?.trim() && !env.REDIS_URL
      ? 'redis://'
      : urlSetting(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379', problems);
  const apiToken = env.TUNEFORGE_API_TOKEN ? env.TUNEFORGE_API_TOKEN : null;
  if (apiToken !== null && apiToken.length < 16) {
    problems.push('TUNEFORGE_API_TOKEN must be at least 16 characters long.');
  }
  const host = env.HOST ?? (apiToken ? '0.0.0.0' : '127.0.0.1');
  if (!apiToken && !LOOPBACK.includes(host)) {
    problems.push(
      `HOST=${host} would expose the API without a token: set TUNEFORGE_API_TOKEN, or listen on 127.0.0.1.`,
    );
  }
  const prefix = env.TUNEFORGE_QUEUE_PREFIX ?? 'tuneforge';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(prefix)) {
    problems.push(`TUNEFORGE_QUEUE_PREFIX may hold letters, digits, '_' and '-' only, got '${prefix}'.`);
  }
  const inline = env.TUNEFORGE_ALLOW_INLINE_COMMANDS ?? '0';
  if (!['0', '1'].includes(inline))
    problems.push(`TUNEFORGE_ALLOW_INLINE_COMMANDS must be 0 or 1, got '${inline}'.`);
  const pooling = env.TUNEFORGE_PG_TRANSACTION_POOLING ?? '0';
  if (!['0', '1'].includes(pooling))
    problems.push(`TUNEFORGE_PG_TRANSACTION_POOLING must be 0 or 1, got '${pooling}'.`);
  const publicRead = env.TUNEFORGE_PUBLIC_READ ?? '1';
  if (!['0', '1'].includes(publicRead))
    problems.push(`TUNEFORGE_PUBLIC_READ must be 0 or 1, got '${publicRead}'.`);
  const workerResources = workerResourcesSetting(env, problems);
  const workerConcurrency = intSetting(env, 'TUNEFORGE_WORKER_CONCURRENCY', 4, 1, 256, problems);
  const config: PlatformConfig = {
    role,
    databaseUrl,
    redisUrl,
    redisClusterNodes,
    apiToken,
    host,
    port: intSetting(env, 'PORT', 3000, 0, 65535, problems),
    workerConcurrency,
    workerResources,
    queuePrefix: prefix,
    maxRetries: intSetting(env, 'TUNEFORGE_MAX_RETRIES', 1, 0, 20, problems),
    workerId: env.TUNEFORGE_WORKER_ID ?? `${hostname()}-${process.pid}`,
    objectivesDir: env.TUNEFORGE_OBJECTIVES_DIR || null,
    allowInlineCommands: inline === '1',
    sweepSeconds: intSetting(env, 'TUNEFORGE_SWEEP_SECONDS', 2, 1, 3600, problems),
    leaseSeconds: intSetting(env, 'TUNEFORGE_LEASE_SECONDS', 10, 2, 3600, problems),
    publicRead: publicRead === '1',
    pgPoolSize: intSetting(
      env,
      'TUNEFORGE_PG_POOL_SIZE',
      defaultPoolSize(role, workerConcurrency),
      1,
      1000,
      problems,
    ),
    pgTransactionPooling: pooling === '1',
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
