/**
 * The launcher's checks of what the platform needs before any role starts: the Postgres database (created
 * when missing), Redis and the API's port, each failing with one line that says what to do; then the API's
 * /health.
 */
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { Client } from 'pg';

/** A service the platform needs is missing or refused us; the message is one line for the terminal. */
export class ServiceError extends Error {}

/** The URL with its password hidden, for messages. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return raw;
  }
}

function reason(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const first = (err.message ?? String(e)).split('\n')[0];
  return err.code && !first.includes(err.code) ? `${err.code}: ${first}` : first;
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Connects to the database of `databaseUrl`, creating it (from the server's `postgres` database) when it
 * does not exist yet. Resolves true when it was created.
 * @throws ServiceError when the server cannot be reached or refuses us
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const where = `PostgreSQL at ${url.hostname}:${url.port || 5432}`;
  if (!name) throw new ServiceError(`DATABASE_URL names no database: ${redactUrl(databaseUrl)}`);
  try {
    await withClient(databaseUrl, (c) => c.query('select 1'));
    return false;
  } catch (e) {
    // 3D000 = invalid_catalog_name: the server answered, the database is missing.
    if ((e as { code?: string }).code !== '3D000') {
      throw new ServiceError(`${where} is not reachable (${reason(e)}): start it, or set DATABASE_URL.`);
    }
  }
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  try {
    await withClient(admin.toString(), (c) => c.query(`create database "${name.replace(/"/g, '""')}"`));
  } catch (e) {
    // 42P04 = duplicate_database: someone created it meanwhile, which is what we wanted.
    if ((e as { code?: string }).code !== '42P04') {
      throw new ServiceError(`cannot create database '${name}' on ${where} (${reason(e)}).`);
    }
  }
  return true;
}

/**
 * Pings Redis once. Resolves with a warning when its eviction policy can drop queue keys.
 * @throws ServiceError when Redis cannot be reached
 */
export async function checkRedis(redisUrl: string, setting = 'REDIS_URL'): Promise<string | null> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // connect() rejects with a bare 'Connection is closed.'; the socket's own error says why.
  let lastError: unknown = null;
  redis.on('error', (e) => (lastError = e));
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new ServiceError(
      `Redis at ${redactUrl(redisUrl)} is not reachable (${reason(lastError ?? e)}): start it, or set ${setting}.`,
    );
  }
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    return policy && policy !== 'noeviction'
      ? `Redis maxmemory-policy is '${policy}': queue keys can be evicted; BullMQ wants 'noeviction'.`
      : null;
  } catch {
    return null; // CONFIG may be disabled (managed Redis): nothing to say
  } finally {
    redis.disconnect();
  }
}

/**
 * Refuses a port that another process listens on at `host`: that process (another platform, say) would
 * answer the health check, and the launcher would say ready for an API that then fails to start. Other
 * errors (an address that is not this machine's) are left to the API, which says them when it starts.
 */
export async function checkPortFree(host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRINUSE') return resolve();
      reject(
        new ServiceError(
          `port ${port} of ${host} is in use (another platform?): stop what listens there, or start with --port P`,
        ),
      );
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/**
 * Polls `url` until it answers 200, `isCancelled()` turns true, or `timeoutMs` passes.
 * Resolves true when healthy.
 */
export async function waitForHealth(
  url: string,
  timeoutMs: number,
  isCancelled: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !isCancelled()) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}
