/**
 * Storage benchmark (`npm run bench:storage`): how fast trials go through the TypeORM storage on
 * Postgres and SQLite, beside the reference (Optuna 3.1 RDB storage, bench/suite/reference).
 *
 * 1. End to end, the reference's protocol: `study.optimize` of (x - 2)^2 with a RandomSampler,
 *    1 process × 500 trials, 2 × 250 and 4 × 250 on one study, every process a separate OS process
 *    released together; trials/s = COMPLETE trials / (last end - first start). Median of `--reps`.
 * 2. Storage operations alone: createTrial → setTrialParam → finishTrial, 1 writer × 2000 and
 *    4 writers × 1000, same timing.
 * 3. History: a study of `--history` (100 000) COMPLETE trials with 4 params each, written in bulk,
 *    then read whole in a fresh process with getAllTrials and getTrialsChangedSince(0).
 *
 * Options: --dialects postgres,postgres-socket,sqlite  --reps 3  --history 100000  --write (update BENCHMARKS.md)
 * Postgres is the server of TUNEFORGE_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432), over TCP
 * and, when its socket exists, over the unix socket in TUNEFORGE_BENCH_POSTGRES_SOCKET (default
 * /var/run/postgresql); every run uses its own database, dropped at the end.
 */
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  categoricalDistribution,
  floatDistribution,
  intDistribution,
  type Storage,
  type TrialTemplate,
} from '@tuneforge/core';
import { openStorage, type TypeOrmStorage } from '@tuneforge/storage';
import { freshPostgresDatabase, freshSqliteFile, type FreshDatabase } from '@tuneforge/storage/testing';
import { listArg, parseArgs } from './lib/args';
import { median } from './lib/stats';
import { runScript, runTogether } from './storage/processes';
import type { WriterOptions } from './storage/writer';

const DIALECTS = ['postgres', 'postgres-socket', 'sqlite'] as const;
type Dialect = (typeof DIALECTS)[number];
const LABEL: Record<Dialect, string> = {
  postgres: 'PostgreSQL (TCP)',
  'postgres-socket': 'PostgreSQL (unix socket)',
  sqlite: 'SQLite file (WAL)',
};
/** The server's unix socket folder (as the reference's best figures used one). */
const SOCKET_DIR = process.env.TUNEFORGE_BENCH_POSTGRES_SOCKET ?? '/var/run/postgresql';

/** The same database reached through the unix socket. */
function socketUrl(tcpUrl: string): string {
  const u = new URL(tcpUrl);
  const query = new URLSearchParams({
    host: SOCKET_DIR,
    port: u.port || '5432',
    user: decodeURIComponent(u.username),
  });
  return `postgres://${u.pathname}?${query.toString()}`;
}

interface WriterResult {
  done: number;
  startMs: number;
  endMs: number;
}

interface Layout {
  procs: number;
  trialsEach: number;
}

const OPTIMIZE_LAYOUTS: Layout[] = [
  { procs: 1, trialsEach: 500 },
  { procs: 2, trialsEach: 250 },
  { procs: 4, trialsEach: 250 },
];
const OPS_LAYOUTS: Layout[] = [
  { procs: 1, trialsEach: 2000 },
  { procs: 4, trialsEach: 1000 },
];

let runCounter = 0;

/** trials/s of one run: `procs` writers released together on a new study. */
async function throughput(url: string, mode: WriterOptions['mode'], layout: Layout): Promise<number> {
  const studyName = `bench-${mode}-${layout.procs}-${runCounter++}`;
  const results = await runTogether<WriterResult>(
    'writer.ts',
    (i): WriterOptions => ({ url, studyName, mode, nTrials: layout.trialsEach, seed: i }),
    layout.procs,
  );
  const done = results.reduce((a, r) => a + r.done, 0);
  if (done !== layout.procs * layout.trialsEach) throw new Error(`${studyName}: ${done} trials done`);
  const storage = await openStorage(url);
  try {
    const studyId = await storage.getStudyIdByName(studyName);
    const trials = await storage.getAllTrials(studyId);
    const complete = trials.filter((t) => t.state === 'COMPLETE').length;
    const numbersOk = trials.every((t, i) => t.number === i);
    if (complete !== done || !numbersOk)
      throw new Error(`${studyName}: ${complete} COMPLETE, numbers dense: ${numbersOk}`);
    await storage.deleteStudy(studyId);
  } finally {
    await storage.close();
  }
  const window = Math.max(...results.map((r) => r.endMs)) - Math.min(...results.map((r) => r.startMs));
  return (done / window) * 1000;
}

const HISTORY_SPACE = {
  lr: floatDistribution(1e-5, 1e-1, { log: true }),
  layers: intDistribution(1, 8),
  dropout: floatDistribution(0, 0.5),
  optimizer: categoricalDistribution(['adam', 'sgd', 'rmsprop']),
};

/** Writes `n` COMPLETE trials in bulk; returns trials/s of the writing. */
async function fillHistory(storage: Storage, studyId: number, n: number): Promise<number> {
  const started = performance.now();
  const batch = 2_000;
  let x = 0.5;
  const next = () => (x = (x * 9301 + 49297) % 233280) / 233280;
  for (let written = 0; written < n; written += batch) {
    const templates: TrialTemplate[] = [];
    for (let i = 0; i < Math.min(batch, n - written); i++) {
      const lr = 1e-5 * 1e4 ** next();
      templates.push({
        state: 'COMPLETE',
        values: [next()],
        params: {
          lr,
          layers: 1 + Math.floor(8 * next()),
          dropout: 0.5 * next(),
          optimizer: ['adam', 'sgd', 'rmsprop'][Math.floor(3 * next())],
        },
        distributions: HISTORY_SPACE,
        datetimeStart: 1_700_000_000_000 + written + i,
        datetimeComplete: 1_700_000_000_500 + written + i,
      });
    }
    await (storage as TypeOrmStorage).createTrials(studyId, templates);
  }
  return (n / (performance.now() - started)) * 1000;
}

interface DialectResult {
  optimize: Record<string, number[]>;
  ops: Record<string, number[]>;
  history: { trials: number; fillPerS: number; allMs: number[]; changedMs: number[] };
}

async function benchDialect(dialect: Dialect, reps: number, historySize: number): Promise<DialectResult> {
  const db: FreshDatabase =
    dialect === 'sqlite'
      ? await freshSqliteFile('tuneforge-bench')
      : await freshPostgresDatabase('tuneforge_bench');
  const url = dialect === 'postgres-socket' ? socketUrl(db.url) : db.url;
  try {
    // Create the tables before the writers start, so that no run pays for the migrations.
    await (await openStorage(url)).close();
    const result: DialectResult = {
      optimize: {},
      ops: {},
      history: { trials: 0, fillPerS: 0, allMs: [], changedMs: [] },
    };
    for (const [mode, layouts] of [
      ['optimize', OPTIMIZE_LAYOUTS],
      ['ops', OPS_LAYOUTS],
    ] as const) {
      for (const layout of layouts) {
        const key = `${layout.procs}x${layout.trialsEach}`;
        const runs: number[] = [];
        for (let r = 0; r < reps; r++) runs.push(await throughput(url, mode, layout));
        result[mode][key] = runs;
        log(`${dialect} ${mode} ${key}: ${runs.map((v) => v.toFixed(0)).join(', ')} trials/s`);
      }
    }
    const storage = await openStorage(url);
    try {
      const { studyId } = await storage.createStudy({ studyName: 'history', directions: ['minimize'] });
      result.history.fillPerS = await fillHistory(storage, studyId, historySize);
    } finally {
      await storage.close();
    }
    const loaded = await runScript<{ count: number; allMs: number[]; changedMs: number[] }>(
      'load-history.ts',
      {
        url,
        studyName: 'history',
        reps,
      },
    ).result;
    result.history = {
      ...result.history,
      trials: loaded.count,
      allMs: loaded.allMs,
      changedMs: loaded.changedMs,
    };
    log(
      `${dialect} history ${loaded.count}: getAllTrials ${loaded.allMs.map((v) => v.toFixed(0)).join(', ')} ms, changedSince(0) ${loaded.changedMs.map((v) => v.toFixed(0)).join(', ')} ms`,
    );
    return result;
  } finally {
    await db.drop();
  }
}

/** Median trials/s of the reference for (storage, processes), random sampler. */
function reference(): (storage: string, procs: number) => number | null {
  const file = JSON.parse(
    readFileSync(join(__dirname, 'suite', 'reference', 'optuna-3.1-throughput.json'), 'utf8'),
  ) as { results: Array<{ storage: string; n_procs: number; sampler: string; trials_per_s: number }> };
  return (storage, procs) => {
    const runs = file.results.filter(
      (r) => r.storage === storage && r.n_procs === procs && r.sampler === 'random',
    );
    return runs.length ? median(runs.map((r) => r.trials_per_s)) : null;
  };
}

const f0 = (v: number | null) =>
  v === null ? '—' : Math.round(v).toLocaleString('en-US').replace(/,/g, ' ');

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function report(results: Partial<Record<Dialect, DialectResult>>, reps: number, meta: string): string {
  const ref = reference();
  const dialects = Object.keys(results) as Dialect[];
  const e2eHeaders = [
    'storage',
    ...OPTIMIZE_LAYOUTS.map((l) => `${l.procs} process${l.procs > 1 ? 'es' : ''} × ${l.trialsEach}`),
  ];
  const e2eRows = [
    ...dialects.map((d) => [
      `Tuneforge, ${LABEL[d]}`,
      ...OPTIMIZE_LAYOUTS.map((l) => f0(median(results[d]!.optimize[`${l.procs}x${l.trialsEach}`]))),
    ]),
    ...(
      [
        ['sqlite', 'Optuna 3.1, SQLite file'],
        ['postgres', 'Optuna 3.1, PostgreSQL (unix socket)'],
        ['postgres_tcp', 'Optuna 3.1, PostgreSQL (TCP)'],
      ] as const
    ).map(([key, label]) => [label, ...OPTIMIZE_LAYOUTS.map((l) => f0(ref(key, l.procs)))]),
  ];
  const opsHeaders = [
    'storage',
    ...OPS_LAYOUTS.map((l) => `${l.procs} writer${l.procs > 1 ? 's' : ''} × ${l.trialsEach}`),
  ];
  const opsRows = dialects.map((d) => [
    `Tuneforge, ${LABEL[d]}`,
    ...OPS_LAYOUTS.map((l) => f0(median(results[d]!.ops[`${l.procs}x${l.trialsEach}`]))),
  ]);
  const histHeaders = [
    'storage',
    'trials',
    'bulk write, trials/s',
    'getAllTrials, ms (first / median)',
    'getTrialsChangedSince(0), ms (first / median)',
  ];
  const histRows = dialects.map((d) => {
    const h = results[d]!.history;
    return [
      `Tuneforge, ${LABEL[d]}`,
      f0(h.trials),
      f0(h.fillPerS),
      `${f0(h.allMs[0])} / ${f0(median(h.allMs))}`,
      `${f0(h.changedMs[0])} / ${f0(median(h.changedMs))}`,
    ];
  });
  const md = (headers: string[], rows: string[][]) =>
    [
      `| ${headers.join(' | ')} |`,
      `|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');

  const checks: string[] = [];
  const best = ref('postgres', 2)!;
  for (const d of ['postgres', 'postgres-socket'] as const) {
    const pg = results[d];
    if (!pg) continue;
    const e2e4 = median(pg.optimize['4x250']);
    const ops4 = median(pg.ops['4x1000']);
    const load = Math.max(median(pg.history.allMs), median(pg.history.changedMs));
    checks.push(
      `- ${LABEL[d]}, 4 writers, storage operations (create + param + finish): ${f0(ops4)} trials/s = ${(ops4 / best).toFixed(1)}× the reference's best PostgreSQL figure (${f0(best)}: Optuna, 2 processes, unix socket); target ≥ 5× (${f0(5 * best)}): ${ops4 >= 5 * best ? 'met' : 'NOT met'}.`,
      `- ${LABEL[d]}, 4 processes, end to end (study.optimize): ${f0(e2e4)} trials/s = ${(e2e4 / best).toFixed(1)}×.`,
      `- ${LABEL[d]}: ${f0(pg.history.trials)} trials loaded in ${f0(load)} ms (median, slower of the two reads); target for 100 000 < 2 000 ms: ${load < 2000 ? 'met' : 'NOT met'}.`,
    );
  }
  const sq = results.sqlite;
  if (sq) {
    const load = Math.max(median(sq.history.allMs), median(sq.history.changedMs));
    checks.push(
      `- ${LABEL.sqlite}: ${f0(sq.history.trials)} trials loaded in ${f0(load)} ms (median, slower of the two reads).`,
    );
  }

  return `## Storage

\`npm run bench:storage\` (bench/storage.ts): the TypeORM storage on PostgreSQL and SQLite beside the reference
(Optuna 3.1.0 RDB storage, \`bench/suite/reference/optuna-3.1-throughput.json\`, median of 3). Every process is a
separate OS process; writers load the study, then start together; trials/s = COMPLETE trials / (last end − first
start). Medians of ${reps} runs. ${meta}

End to end, the reference's protocol: \`study.optimize\` of (x − 2)², one float parameter, RandomSampler,
trials/s:

${md(e2eHeaders, e2eRows)}

Storage operations alone (createTrial → setTrialParam → finishTrial, no sampler), trials/s:

${md(opsHeaders, opsRows)}

History of one study (COMPLETE trials with 4 parameters: log float, int, float, categorical), written in bulk with
\`createTrials\`, then read whole in a fresh process (first call, then median of ${reps}):

${md(histHeaders, histRows)}

${checks.join('\n')}

On this shared 2-core machine the throughput figures move by ±40 % from one run to the next with the other jobs'
load (e.g. PostgreSQL TCP, 4 writers: 848 to 1 366 trials/s in runs of the same code); compare rows of one run.
End to end, every trial is 5 statements (claim a WAITING trial, create, read the changes, the param, finish) and
the 4-process runs are CPU-bound here (4 Node processes and their PostgreSQL backends on 2 cores).

How: trial numbers come from the study row's counter bumped in the statement that inserts the trial; every write is
one SQL statement (no transaction spans round trips); on PostgreSQL the writes that precede a trial's finish commit
asynchronously (a crash can only forget unfinished trials, and their numbers with them) while \`finishTrial\`
commits synchronously; a whole study is read as JSON columns built by the server, its trials and its params by two
connections sharing one snapshot. On SQLite every write is one \`BEGIN IMMEDIATE\` transaction in WAL mode.
`;
}

function writeSection(section: string): void {
  const file = join(__dirname, '..', 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.search(/^## Storage\s*$/m);
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const rest = current.slice(start + 1);
    const end = rest.search(/^## /m);
    next = current.slice(0, start) + section + (end < 0 ? '' : `\n${rest.slice(end)}`);
  }
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const available = DIALECTS.filter(
    (d) => d !== 'postgres-socket' || existsSync(join(SOCKET_DIR, '.s.PGSQL.5432')),
  );
  const dialects = listArg(args.get('dialects'), available, 'dialect') as Dialect[];
  const reps = Number(args.get('reps') ?? 3);
  const historySize = Number(args.get('history') ?? 100_000);
  if (!Number.isInteger(reps) || reps < 1)
    throw new Error(`--reps must be an integer >= 1, got ${args.get('reps')}`);
  if (!Number.isInteger(historySize) || historySize < 1) throw new Error(`--history must be an integer >= 1`);
  const loadBefore = loadavg()[0];
  const results: Partial<Record<Dialect, DialectResult>> = {};
  for (const d of dialects) results[d] = await benchDialect(d, reps, historySize);
  const meta = `Machine: ${cpus().length} CPUs (shared), Node ${process.version}; load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`;
  const section = report(results, reps, meta);
  process.stdout.write(`${section}\n`);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'storage.json'),
    JSON.stringify({ date: new Date().toISOString(), meta, results }, null, 1),
  );
  if (args.get('write') === 'true') {
    writeSection(section);
    log('BENCHMARKS.md: ## Storage updated');
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
