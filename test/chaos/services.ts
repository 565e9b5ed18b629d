/**
 * The services a chaos run breaks on purpose: a Postgres cluster and Redis servers of its own, on spare
 * loopback ports, so that stopping, crashing and restarting them never touches the shared 5432/6379.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { freePort } from '../support/free-port';

export { freePort };

const run = promisify(execFile);
const PG_VERSION = '15';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const onInterrupt = new Set<() => void>();

/** `kill` runs if the chaos run is interrupted (SIGINT/SIGTERM); call the returned function once it is moot. */
export function killOnInterrupt(kill: () => void): () => void {
  onInterrupt.add(kill);
  return () => onInterrupt.delete(kill);
}

/** Kills every child process still registered (synchronous: signals only). */
export function killRegisteredChildren(): void {
  for (const kill of onInterrupt) kill();
  onInterrupt.clear();
}

/** Polls `ready` every 100 ms until it resolves true; throws `what` after `timeoutMs`. */
export async function waitUntil(what: string, ready: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/**
 * A Postgres 15 cluster made by `pg_createcluster` (trust authentication; it listens on localhost only),
 * removed by `drop()` with its data. Created once per chaos run; each scenario gets a fresh database.
 */
export class PostgresCluster {
  private dropped = false;

  private constructor(
    readonly name: string,
    readonly port: number,
  ) {}

  static async create(name: string): Promise<PostgresCluster> {
    const port = await freePort();
    const cluster = new PostgresCluster(name, port);
    try {
      await run('pg_createcluster', [PG_VERSION, name, '--port', String(port), '--', '--auth=trust']);
      await cluster.start();
    } catch (e) {
      await cluster.drop();
      throw e;
    }
    return cluster;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async createDatabase(database: string): Promise<string> {
    const client = new Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${database}"`);
    } finally {
      await client.end();
    }
    return this.url(database);
  }

  async isReady(): Promise<boolean> {
    const client = new Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Starts the cluster; resolves with the moment it first accepted a connection (ms since the epoch). */
  async start(): Promise<number> {
    // pg_ctlcluster returns a while after the server accepts connections: time the first connection instead.
    let readyAt: number | null = null;
    let starting = true;
    const probe = (async () => {
      while (starting && readyAt === null) {
        if (await this.isReady()) readyAt = Date.now();
        else await sleep(50);
      }
    })();
    try {
      // After a crash the old backends may hold the shared memory for a moment: start refuses, so try again.
      for (let attempt = 1; ; attempt++) {
        try {
          await run('pg_ctlcluster', [PG_VERSION, this.name, 'start']);
          break;
        } catch (e) {
          if (attempt >= 10) throw e;
          await sleep(500);
        }
      }
      await waitUntil(
        `postgres cluster ${this.name} is not accepting connections`,
        async () => readyAt !== null,
      );
    } finally {
      starting = false;
      await probe;
    }
    return readyAt!;
  }

  /** A clean stop (`fast`: clients are disconnected, the checkpoint is written). */
  async stop(): Promise<void> {
    await run('pg_ctlcluster', [PG_VERSION, this.name, 'stop', '-m', 'fast']);
  }

  /** `pg_ctlcluster restart` is this: a fast stop, then a start; resolves when it accepts connections again. */
  async restart(): Promise<number> {
    await this.stop();
    return this.start();
  }

  /** SIGKILL of the postmaster, as an OOM kill or a power cut would do; its backends die with it. */
  async crash(): Promise<void> {
    const pidFile = join(`/var/lib/postgresql/${PG_VERSION}`, this.name, 'postmaster.pid');
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    // The backends notice the postmaster's death and exit; wait for the port to close.
    await waitUntil(
      `postgres cluster ${this.name} still answers after its postmaster was killed`,
      async () => {
        return !(await this.isReady());
      },
    );
  }

  /** Stops and removes the cluster with its data. Idempotent; never throws. */
  async drop(): Promise<void> {
    if (this.dropped) return;
    this.dropped = true;
    await run('pg_dropcluster', ['--stop', PG_VERSION, this.name]).catch((e) =>
      process.stderr.write(`chaos: could not drop cluster ${this.name}: ${e}\n`),
    );
  }
}

export interface RedisServerOptions {
  /** AOF on (`appendfsync everysec`): the queue survives a restart. */
  persistent: boolean;
  /** Folder for the AOF files and the server's log. */
  dir: string;
}

/** A redis-server child process on a spare loopback port; `restart()` keeps the port. */
export class RedisServer {
  private child: ChildProcess | null = null;
  private forget: () => void = () => undefined;
  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {}

  static async start(options: RedisServerOptions): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', ''];
    args.push(...(this.options.persistent ? ['--appendonly', 'yes'] : ['--appendonly', 'no']));
    args.push('--dir', this.options.dir);
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(this.options.dir, 'redis.log'), { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    this.forget = killOnInterrupt(() => child.kill('SIGKILL'));
    await waitUntil(`redis-server on port ${this.port} did not answer PING`, () => this.ping());
  }

  async ping(): Promise<boolean> {
    const client = new Redis({
      port: this.port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  /** SIGTERM: with AOF on, Redis flushes it before exiting; without, everything in memory is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    this.forget();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  /** Kills the server at once (for cleanup). */
  kill(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}
