import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './support/free-port';
import { runPrunedStudy, startPlatform, type Platform } from './support/platform-harness';

jest.setTimeout(240_000);

const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'].find((p) =>
  existsSync(p),
);
/** Server connections PgBouncer opens to the database: fewer than the processes' client connections. */
const SERVER_POOL = 8;

interface LocalPgBouncer {
  port: number;
  /** The URL of `database` through this PgBouncer (same user, same database name). */
  urlOf(directUrl: string): string;
  /** A query on PgBouncer's admin console (simple protocol only). */
  admin(command: string): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

/**
 * PgBouncer of the test's own, in transaction mode, on a free loopback port, in front of the shared
 * Postgres (trust auth as postgres), with its config in a temporary folder.
 */
async function startPgBouncer(binary: string): Promise<LocalPgBouncer> {
  const dir = await mkdtemp(join(tmpdir(), 'tf-pgbouncer-'));
  const port = await freePort();
  await writeFile(join(dir, 'userlist.txt'), '"postgres" ""\n');
  await writeFile(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      '* = host=127.0.0.1 port=5432 user=postgres',
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'admin_users = postgres',
      'pool_mode = transaction',
      `default_pool_size = ${SERVER_POOL}`,
      'max_client_conn = 500',
      'logfile =',
      'pidfile =',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root: it drops to nobody, who must read the config.
  await chmod(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(
    binary,
    [...(asRoot ? ['-u', 'nobody'] : []), join(dir, 'pgbouncer.ini')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
  const admin = async (command: string) => {
    const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/pgbouncer` });
    await client.connect();
    try {
      return (await client.query(command)).rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited at start:\n${output.join('')}`);
    try {
      await admin('SHOW VERSION');
      break;
    } catch (e) {
      if (Date.now() > deadline)
        throw new Error(`pgbouncer did not answer: ${(e as Error).message}\n${output.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    urlOf(directUrl) {
      const url = new URL(directUrl);
      url.port = String(port);
      return url.toString();
    },
    admin,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const describeWithPgBouncer = PGBOUNCER ? describe : describe.skip;
if (!PGBOUNCER) {
  process.stderr.write(
    'platform-pgbouncer.e2e-spec: skipped, pgbouncer is not installed (apt-get install -y pgbouncer; .ci/run does)\n',
  );
}

/**
 * The platform behind PgBouncer in transaction mode (issue 14 item 5): every role's connections, its
 * migrations included, go through a pooler that keeps no session state between transactions.
 */
describeWithPgBouncer('the platform behind PgBouncer in transaction mode', () => {
  let bouncer: LocalPgBouncer;
  let platform: Platform;

  beforeAll(async () => {
    bouncer = await startPgBouncer(PGBOUNCER!);
    platform = await startPlatform({
      workers: 2,
      databaseUrl: (database) => bouncer.urlOf(database.url),
      env: { TUNEFORGE_PG_TRANSACTION_POOLING: '1', TUNEFORGE_PG_POOL_SIZE: '3' },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await bouncer?.stop();
  });

  it('migrates, runs a pruned study end to end and pages its trials, on a few shared server connections', async () => {
    const study = await runPrunedStudy(platform, 'behind-pgbouncer', 150_000);
    expect(study.best).not.toBeNull();

    const numbers: number[] = [];
    let after = '';
    for (;;) {
      const page = await platform.request(`/studies/${study.id}/trials?limit=10${after}`);
      expect(page.status).toBe(200);
      numbers.push(...page.body.items.map((t: { number: number }) => t.number));
      if (page.body.next === null) break;
      after = `&after=${encodeURIComponent(page.body.next)}`;
    }
    expect(numbers).toEqual([...Array(24).keys()]);

    // Everything went through PgBouncer, on at most its pool of server connections to the database.
    const name = new URL(platform.database.url).pathname.slice(1);
    const stats = (await bouncer.admin('SHOW STATS')).find((r) => r.database === name);
    expect(Number(stats?.total_xact_count)).toBeGreaterThan(100);
    const servers = (await bouncer.admin('SHOW SERVERS')).filter((r) => r.database === name);
    expect(servers.length).toBeGreaterThan(0);
    expect(servers.length).toBeLessThanOrEqual(SERVER_POOL);
  });
});
