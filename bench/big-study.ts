/**
 * Big-study benchmark (`npm run bench:big`, issue 14 item 3): how the API and the storage calls of the
 * scheduler and the workers answer on studies of 10⁴, 10⁵ and 10⁶ trials.
 *
 * 1. A fresh Postgres database (migrated by the storage), one study per size written directly in Postgres
 *    with bulk `INSERT … SELECT generate_series`: 3 params per trial (two floats, a categorical), 88 % COMPLETE
 *    with a value, 10 % PRUNED and 2 % FAIL without one, the last 4 RUNNING; 5 intermediate values for 20 %
 *    of the trials. The study is a COMPLETED platform study with its definition, so the API shows it whole.
 * 2. The api role started from the sources as a process (its own Redis key prefix), then `--reps` timed
 *    calls of each request after 3 untimed ones: GET /studies/:id, GET /studies, the first and a deep page of
 *    /trials in number and value orders (deep = 200 trials before the end, by the `after` cursor; the
 *    offset form beside it, with fewer calls), /trials/:number.
 * 3. In process, the storage calls the roles make: getStudy and countTrials (every refill), listStudies
 *    (the scheduler's sweep), getTrialsChangedSince(cursor) with nothing new (a refill's refresh),
 *    getAllTrials(['WAITING']) (the scheduler's reconcile), and once getAllTrials (a worker loading the
 *    study and rebuilding its pruning index when Redis lost it), with the heap it takes.
 *
 * Options: --sizes 10000,100000,1000000  --reps 50  --json <file>  --statistics analyzed|none (analyzed: the
 * tables are analyzed after seeding, as autovacuum leaves them on a running platform; none: autovacuum off
 * and no ANALYZE, as a new database is for its first minute or a study that grew fast since the last one)
 * Figures are milliseconds, median and p95 of the timed calls, from the client (HTTP on loopback).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { categoricalDistribution, floatDistribution, type Storage } from '@tuneforge/core';
import { DEFINITION_ATTR, STARTED_AT_ATTR, STATE_ATTR } from '@tuneforge/platform';
import { deleteKeysOfPrefix } from '@tuneforge/platform/testing';
import { openStorage } from '@tuneforge/storage';
import { freshPostgresDatabase, type FreshDatabase } from '@tuneforge/storage/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { freePort } from '../test/support/free-port';
import { parseArgs } from './lib/args';
import { runMeta } from './lib/run-meta';
import { median } from './lib/stats';

const ROOT = join(__dirname, '..');
const args = parseArgs(process.argv.slice(2));
const SIZES = (args.get('sizes') ?? '10000,100000,1000000').split(',').map(Number);
const REPS = Number(args.get('reps') ?? 50);
const STATISTICS = args.get('statistics') ?? 'analyzed';
if (STATISTICS !== 'analyzed' && STATISTICS !== 'none') {
  process.stderr.write(`--statistics must be analyzed or none, got ${STATISTICS}\n`);
  process.exit(2);
}
const TABLES = ['trials', 'trial_params', 'trial_intermediate_values'];
/** The offset form of a deep page reads and drops every trial before it: fewer calls. */
const OFFSET_REPS = Math.max(3, Math.round(REPS / 10));
const DEEP = 200;

const X = floatDistribution(-10, 10);
const C = categoricalDistribution(['adam', 'sgd', 'rmsprop']);

/** Trials 0..n-1 of `studyId`, their params and intermediate values, in four statements. */
async function seedStudy(pg: Client, studyId: number, n: number): Promise<void> {
  await pg.query('SELECT setseed(0.42)');
  await pg.query(`DROP TABLE IF EXISTS g; CREATE TEMP TABLE g AS
    SELECT g AS n, random() * 20 - 10 AS x, random() * 20 - 10 AS y, floor(random() * 3)::int AS c
    FROM generate_series(0, ${n - 1}) g`);
  const running = `g.n >= ${n - 4}`;
  const valueless = `(${running} OR g.n % 10 = 3 OR g.n % 50 = 7)`;
  await pg.query(
    `INSERT INTO trials (study_id, number, state, "values", datetime_start, datetime_complete, heartbeat_at,
       user_attrs, system_attrs, version, worker_id, attempt)
     SELECT $1, g.n,
       CASE WHEN ${running} THEN 'RUNNING' WHEN g.n % 10 = 3 THEN 'PRUNED' WHEN g.n % 50 = 7 THEN 'FAIL' ELSE 'COMPLETE' END,
       CASE WHEN ${valueless} THEN NULL ELSE json_build_array((g.x - 2) ^ 2 + (g.y + 1) ^ 2 + g.c)::text END,
       1700000000000 + g.n * 10, CASE WHEN ${running} THEN NULL ELSE 1700000000000 + g.n * 10 + 7 END,
       CASE WHEN ${running} THEN 1700000000000 + g.n * 10 ELSE NULL END,
       '{}', '{}', 1, 'worker-' || (g.n % 8), 1
     FROM g`,
    [studyId],
  );
  await pg.query(
    `INSERT INTO trial_params (trial_id, study_id, name, internal_value, distribution)
     SELECT t.trial_id, $1, p.name, CASE p.name WHEN 'x' THEN g.x WHEN 'y' THEN g.y ELSE g.c END, p.d
     FROM trials t JOIN g ON g.n = t.number AND t.study_id = $1,
       (VALUES ('x', $2::text), ('y', $2::text), ('c', $3::text)) AS p(name, d)`,
    [studyId, JSON.stringify(X), JSON.stringify(C)],
  );
  await pg.query(
    `INSERT INTO trial_intermediate_values (trial_id, study_id, step, value)
     SELECT t.trial_id, $1, s, ((g.x - 2) ^ 2 + (g.y + 1) ^ 2) * (1 + 1.0 / (s + 1))
     FROM trials t JOIN g ON g.n = t.number AND t.study_id = $1, generate_series(0, 4) s
     WHERE g.n % 10 IN (3, 4)`,
    [studyId],
  );
  await pg.query('UPDATE studies SET next_trial_number = $2 WHERE study_id = $1', [studyId, n]);
  await pg.query('DROP TABLE g');
}

function definitionOf(name: string, n: number) {
  return {
    name,
    directions: ['minimize'],
    searchSpace: null,
    sampler: { type: 'random', seed: 1, options: {} },
    pruner: { type: 'median', options: {} },
    objective: { kind: 'builtin', name: 'sphere5' },
    budget: { nTrials: n, maxParallel: 4, timeoutSec: null },
    seed: 1,
    retry: { maxRetries: 1, retryFailedTrials: 0 },
  };
}

interface Figure {
  median: number;
  p95: number;
  calls: number;
}

async function time(reps: number, call: () => Promise<unknown>): Promise<Figure> {
  for (let i = 0; i < 3; i++) await call();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await call();
    ms.push(performance.now() - start);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    median: median(ms),
    p95: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)],
    calls: reps,
  };
}

async function startApi(
  db: FreshDatabase,
  prefix: string,
): Promise<{ url: string; child: ChildProcess; output: string[] }> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, ['-r', './bin/swc-register.js', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      TUNEFORGE_ROLE: 'api',
      DATABASE_URL: db.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      TUNEFORGE_QUEUE_PREFIX: prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the api exited at start:\n${output.join('')}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return { url, child, output };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the api did not become healthy:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bench reads a few fields of the API's JSON
async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  const body = await res.json();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The `after` cursor that starts a page `DEEP` trials before the end of a value order (read once by offset). */
async function deepCursor(api: string, id: number, order: string, n: number): Promise<string> {
  const page = await getJson(`${api}/studies/${id}/trials?order=${order}&offset=${n - DEEP - 1}&limit=1`);
  const t = page.items[0];
  const value = t.values === null ? 'null' : String(t.values[0]);
  return `${value}:${t.number}`;
}

async function main(): Promise<void> {
  const started = new Date();
  const db = await freshPostgresDatabase('tuneforge_bench_big');
  const prefix = `tfbig${process.pid}${randomBytes(3).toString('hex')}`;
  let api: Awaited<ReturnType<typeof startApi>> | null = null;
  let storage: Storage | null = null;
  const pg = new Client({ connectionString: db.url });
  const results: Array<{ trials: number; seedSeconds: number; figures: Record<string, Figure | number> }> =
    [];
  try {
    storage = await openStorage(db.url);
    await pg.connect();
    if (STATISTICS === 'none') {
      for (const table of TABLES) await pg.query(`ALTER TABLE ${table} SET (autovacuum_enabled = off)`);
    }
    const ids = new Map<number, number>();
    const seedSeconds = new Map<number, number>();
    for (const n of SIZES) {
      const name = `big-${n}`;
      const record = await storage.createStudy({
        studyName: name,
        directions: ['minimize'],
        systemAttrs: {
          [DEFINITION_ATTR]: definitionOf(name, n),
          [STATE_ATTR]: 'COMPLETED',
          [STARTED_AT_ATTR]: 0,
        },
      });
      const start = performance.now();
      await seedStudy(pg, record.studyId, n);
      seedSeconds.set(n, (performance.now() - start) / 1000);
      ids.set(n, record.studyId);
      process.stderr.write(`seeded ${n} trials in ${seedSeconds.get(n)!.toFixed(1)} s\n`);
    }
    if (STATISTICS === 'analyzed') {
      for (const table of TABLES) await pg.query(`VACUUM ANALYZE ${table}`);
    }
    api = await startApi(db, prefix);
    for (const n of SIZES) {
      const id = ids.get(n)!;
      const base = `${api.url}/studies/${id}`;
      const figures: Record<string, Figure | number> = {};
      const run = async (label: string, reps: number, call: () => Promise<unknown>) => {
        figures[label] = await time(reps, call);
        const f = figures[label] as Figure;
        process.stderr.write(`${n} ${label}: median ${f.median.toFixed(2)} ms, p95 ${f.p95.toFixed(2)} ms\n`);
      };
      const study = await getJson(base);
      if (study.counts.COMPLETE + study.counts.PRUNED + study.counts.FAIL + study.counts.RUNNING !== n) {
        throw new Error(`study ${id}: counts ${JSON.stringify(study.counts)} do not add up to ${n}`);
      }
      await run('GET /studies/:id', REPS, () => getJson(base));
      await run('GET /studies', REPS, () => getJson(`${api!.url}/studies`));
      await run('trials, first page (number)', REPS, () => getJson(`${base}/trials?limit=100`));
      await run('trials, deep page (number, after)', REPS, () =>
        getJson(`${base}/trials?limit=100&after=${n - DEEP}`),
      );
      await run('trials, deep page (number, offset)', OFFSET_REPS, () =>
        getJson(`${base}/trials?limit=100&offset=${n - DEEP}`),
      );
      for (const order of ['value', '-value']) {
        await run(`trials, first page (${order})`, REPS, () =>
          getJson(`${base}/trials?limit=100&order=${order}`),
        );
        const cursor = encodeURIComponent(await deepCursor(api.url, id, order, n));
        await run(`trials, deep page (${order}, after)`, REPS, () =>
          getJson(`${base}/trials?limit=100&order=${order}&after=${cursor}`),
        );
        await run(`trials, deep page (${order}, offset)`, OFFSET_REPS, () =>
          getJson(`${base}/trials?limit=100&order=${order}&offset=${n - DEEP}`),
        );
      }
      await run('GET /trials/:number', REPS, () => getJson(`${base}/trials/${Math.floor(n / 2)}`));

      const s = storage;
      await run('storage getStudy', REPS, () => s.getStudy(id));
      await run('storage countTrials', REPS, () => s.countTrials(id));
      await run('storage listStudies', REPS, () => s.listStudies());
      const { cursor } = await s.getTrialsChangedSince(id, 0);
      await run('storage getTrialsChangedSince (nothing new)', REPS, () =>
        s.getTrialsChangedSince(id, cursor),
      );
      await run("storage getAllTrials(['WAITING'])", REPS, () => s.getAllTrials(id, ['WAITING']));
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const start = performance.now();
      const all = await s.getAllTrials(id);
      figures['storage getAllTrials (once), ms'] = performance.now() - start;
      figures['storage getAllTrials heap, MB'] = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
      if (all.length !== n) throw new Error(`getAllTrials read ${all.length} trials of ${n}`);
      process.stderr.write(
        `${n} getAllTrials once: ${(figures['storage getAllTrials (once), ms'] as number).toFixed(0)} ms, ` +
          `${(figures['storage getAllTrials heap, MB'] as number).toFixed(0)} MB\n`,
      );
      results.push({ trials: n, seedSeconds: seedSeconds.get(n)!, figures });
    }
  } finally {
    if (api && api.child.exitCode === null) {
      const exited = new Promise((r) => api!.child.once('exit', r));
      api.child.kill('SIGTERM');
      await exited;
    }
    await storage?.close();
    await pg.end().catch(() => undefined);
    const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
    await deleteKeysOfPrefix(redis, prefix);
    await redis.quit();
    await db.drop();
  }

  // A markdown table: one row per call, one column per size.
  const labels = Object.keys(results[0].figures);
  const lines = [
    `| call | ${results.map((r) => `${r.trials.toLocaleString('en')} trials`).join(' | ')} |`,
    `|---|${results.map(() => '---:').join('|')}|`,
  ];
  for (const label of labels) {
    const cells = results.map((r) => {
      const f = r.figures[label];
      return typeof f === 'number' ? f.toFixed(0) : `${f.median.toFixed(1)} / ${f.p95.toFixed(1)}`;
    });
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  lines.push(`| seeding (s) | ${results.map((r) => r.seedSeconds.toFixed(0)).join(' | ')} |`);
  lines.push('', `Statistics on the tables: ${STATISTICS}.`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const json = args.get('json');
  if (json) {
    writeFileSync(
      json,
      JSON.stringify({ meta: runMeta(started), reps: REPS, statistics: STATISTICS, results }, null, 2),
    );
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
