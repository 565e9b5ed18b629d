/**
 * Where a trial's time goes on the platform (`npm run bench:platform-cpu`): one longer study on the
 * topology of bench:platform, and per trial the CPU of every process (api, scheduler, workers,
 * Postgres backends of the study's database, redis-server, from /proc), the Redis commands and the
 * Postgres transactions. On a machine whose cores the platform shares with Postgres and Redis, the
 * sum bounds the throughput: trials/s ≤ cores / CPU per trial.
 *
 * Options: --sampler random|tpe (random), --workers N (2), --trials N (3000), --concurrency N (64),
 * --max-parallel N (256), --cpu-prof-dir DIR (a V8 CPU profile of each role, written when it stops).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { waitForStudy, type Platform, type PlatformOptions } from '../test/support/platform-harness';
import { parseArgs } from './lib/args';
import { postThroughputStudy, refillMetric, withPlatform } from './lib/platform-session';
import { fmt, renderTable } from './lib/table';

const CLOCK_TICKS_PER_SECOND = 100;

const args = parseArgs(process.argv.slice(2));
const option = (name: string, fallback: string) => args.get(name) ?? fallback;

/** CPU seconds (user + system) of a process, or 0 when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    // The command name may hold spaces: the fields start after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function redisServerPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'redis-server';
      } catch {
        return false;
      }
    })
    .map(Number);
}

interface Sample {
  cpu: Map<string, number>;
  redisCommands: number;
  byCommand: Map<string, number>;
  transactions: number;
}

/**
 * CPU seconds of the study database's server processes since `start()`. The pools open connections when
 * they need them and close idle ones (pg's after 10 s), so the backends are listed every LIST_MS: a
 * backend's share is its last reading less its reading at the start (0 for one that started since); one
 * that exits between two listings loses at most LIST_MS of its CPU.
 */
class BackendCpu {
  private static readonly LIST_MS = 250;
  private readonly atStart = new Map<number, number>();
  private readonly latest = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private listing: Promise<void> = Promise.resolve();

  constructor(
    private readonly admin: Client,
    private readonly dbName: string,
  ) {}

  async start(): Promise<void> {
    for (const pid of await this.pids()) {
      const seconds = cpuSeconds(pid);
      this.atStart.set(pid, seconds);
      this.latest.set(pid, seconds);
    }
    this.timer = setInterval(() => {
      this.listing = this.listing.then(() => this.read()).catch(() => undefined);
    }, BackendCpu.LIST_MS);
  }

  /** The CPU seconds since `start()`, after a last listing; stops listing. */
  async stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    await this.listing;
    await this.read();
    let total = 0;
    for (const [pid, seconds] of this.latest) total += seconds - (this.atStart.get(pid) ?? 0);
    return total;
  }

  private async read(): Promise<void> {
    // A backend gone since it was listed reads 0: its last reading stays.
    for (const pid of await this.pids())
      this.latest.set(pid, Math.max(cpuSeconds(pid), this.latest.get(pid) ?? 0));
  }

  private async pids(): Promise<number[]> {
    const { rows } = await this.admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [this.dbName],
    );
    return rows.map((r) => r.pid);
  }
}

async function sample(platform: Platform, admin: Client, redis: Redis, dbName: string): Promise<Sample> {
  const cpu = new Map<string, number>();
  const add = (group: string, seconds: number) => cpu.set(group, (cpu.get(group) ?? 0) + seconds);
  for (const p of platform.processes) add(p.role === 'worker' ? 'workers' : p.role, cpuSeconds(p.child.pid!));
  for (const pid of redisServerPids()) add('redis-server', cpuSeconds(pid));
  const stats = await redis.info('commandstats');
  const byCommand = new Map(
    [...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])] as const),
  );
  const redisCommands = [...byCommand.values()].reduce((a, n) => a + n, 0);
  const [row] = (
    await admin.query<{ x: string }>(
      'SELECT xact_commit + xact_rollback AS x FROM pg_stat_database WHERE datname = $1',
      [dbName],
    )
  ).rows;
  return { cpu, redisCommands, byCommand, transactions: Number(row.x) };
}

async function main(): Promise<void> {
  const sampler = option('sampler', 'random');
  const workers = Number(option('workers', '2'));
  const trials = Number(option('trials', '3000'));
  // bench:platform's topology (see there).
  const concurrency = option('concurrency', '64');
  const maxParallel = Number(option('max-parallel', '256'));
  const profileDir = option('cpu-prof-dir', '');
  const options: PlatformOptions = {
    workers,
    // The roles' settings from this environment (TUNEFORGE_*), e.g. TUNEFORGE_LEASE_SECONDS.
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('TUNEFORGE_'))),
      TUNEFORGE_WORKER_CONCURRENCY: concurrency,
    } as Record<string, string>,
    // A V8 CPU profile of every role, written when it stops.
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  };
  await withPlatform(options, async (platform) => {
    const admin = new Client({ connectionString: platform.database.url });
    const redis = new Redis({ host: '127.0.0.1', port: 6379 });
    await admin.connect();
    try {
      const post = (name: string, nTrials: number) =>
        postThroughputStudy(platform, { name, sampler, nTrials, maxParallel });
      await waitForStudy(platform, await post('warm-up', 200), 120_000);
      const dbName = new URL(platform.database.url).pathname.slice(1);
      const backends = new BackendCpu(admin, dbName);
      await backends.start();
      const before = await sample(platform, admin, redis, dbName);
      const refillsBefore = await refillMetric(platform);
      const started = Date.now();
      const study = await waitForStudy(platform, await post('measured', trials), 600_000);
      const seconds = (Date.now() - started) / 1000;
      const after = await sample(platform, admin, redis, dbName);
      after.cpu.set('postgres', await backends.stop());
      const refillsAfter = await refillMetric(platform);
      const done = study.counts.COMPLETE as number;
      const rows: string[][] = [];
      let total = 0;
      for (const [group, end] of after.cpu) {
        const ms = ((end - (before.cpu.get(group) ?? 0)) * 1000) / done;
        total += ms;
        rows.push([group, fmt(ms, 3)]);
      }
      rows.push(['all', fmt(total, 3)]);
      console.log(
        `\n${sampler}, ${workers} worker(s) × ${concurrency}, maxParallel ${maxParallel}: ${done} trials in ${fmt(seconds, 3)} s = ${fmt(done / seconds, 4)} trials/s (to the poll that saw the study end)`,
      );
      console.log(`CPU per trial, ms (${fmt((total * done) / 1000 / seconds, 3)} cores busy on average):`);
      console.log(renderTable(['process', 'CPU ms per trial'], rows));
      console.log(
        `Redis commands per trial (the whole server): ${fmt((after.redisCommands - before.redisCommands) / done, 3)}`,
      );
      const perTrial = [...after.byCommand]
        .map(([name, calls]) => [name, (calls - (before.byCommand.get(name) ?? 0)) / done] as const)
        .filter(([, n]) => n >= 0.05)
        .sort((a, b) => b[1] - a[1]);
      console.log(`  by command: ${perTrial.map(([name, n]) => `${name} ${fmt(n, 2)}`).join(', ')}`);
      const refills = refillsAfter.count - refillsBefore.count;
      console.log(
        `Scheduler refills: ${refills} (${fmt(done / refills, 3)} trials each), ${fmt(((refillsAfter.sum - refillsBefore.sum) * 1000) / refills, 3)} ms each on average`,
      );
      console.log(
        `Postgres transactions per trial (the study's database): ${fmt((after.transactions - before.transactions) / done, 3)}`,
      );
    } finally {
      await admin.end();
      redis.disconnect();
    }
  });
}

void main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
