/**
 * End-to-end throughput of the distributed platform (`npm run bench:platform`): api + scheduler + N
 * worker processes on Postgres and Redis, the suite's throughput objective ((x - 2)^2, built-in
 * `quadratic`), 500 trials, random and TPE, 1 and 2 workers; and the latency of one pruning decision
 * on the Redis index. Printed beside Optuna 3.1 with its Postgres RDB storage (bench/suite/reference).
 * Options: --concurrency (64 trial jobs per worker), --max-parallel (256, the studies' maxParallel),
 * --warm-up (2000, trials of a study run before the measured one), --samplers random,tpe, --workers 1,2.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MedianPruner, trialContext, type FrozenTrial } from '@tuneforge/core';
import { RedisKeys, RedisPruningHistory, RedisPruningIndex } from '@tuneforge/platform';
import { Redis } from 'ioredis';
import { startPlatform, waitForStudy, type Platform } from '../test/support/platform-harness';
import { listArg, parseArgs } from './lib/args';
import { postThroughputStudy } from './lib/platform-session';
import { median } from './lib/stats';
import { fmt, renderMarkdown, renderTable } from './lib/table';

const TRIALS = 500;
const REPS = Number(process.env.BENCH_REPS ?? 3);
const args = parseArgs(process.argv.slice(2));
/**
 * Trial jobs each worker runs at once: a platform set up for many short trials (the default, 4, is for
 * trials that use a core each). The more trials a worker runs at once, the more of their claims and
 * finishes share one statement (bench:platform-cpu, 10 000 trials, alternated on 2026-12-06: 0.76–0.82 ms
 * of CPU per trial in all processes at 2 × 64 and maxParallel 256, 1.17 ms at 2 × 32 and 64).
 */
const CONCURRENCY = args.get('concurrency') ?? '64';
/**
 * The studies' maxParallel (trials queued or running), above the workers' slots (2 × 64): a slot freed by a
 * finish takes a trial already queued instead of waiting for the scheduler's next refill. At exactly the
 * workers' slots every finish waits for one (until 2026-12-06 the bench ran 2 × 32 slots at 64).
 */
const MAX_PARALLEL = Number(args.get('max-parallel') ?? 256);
/**
 * Trials of the study run before the measured one, so that the figure is the one of a platform that has been
 * running: its pools open and its code compiled. V8 takes thousands of trials to optimise the hot paths (a
 * worker's CPU per trial falls by about a third over the first few thousand, bench:platform-cpu), which a
 * warm-up of 100 left out; Optuna's reference processes had imported everything and loaded their study
 * before its window opened.
 */
const WARM_UP = Number(args.get('warm-up') ?? 2000);
const SAMPLERS = listArg(args.get('samplers'), ['random', 'tpe'], 'sampler') as Array<'random' | 'tpe'>;
const WORKERS = listArg(args.get('workers'), ['1', '2'], 'worker count').map(Number);

interface ReferenceRow {
  storage: string;
  n_procs: number;
  sampler: string;
  trials_per_s: number;
}

function reference(sampler: string, procs: number): number {
  const rows = (
    JSON.parse(readFileSync(join(__dirname, 'suite/reference/optuna-3.1-throughput.json'), 'utf8')) as {
      results: ReferenceRow[];
    }
  ).results.filter((r) => r.storage === 'postgres' && r.n_procs === procs && r.sampler === sampler);
  return median(rows.map((r) => r.trials_per_s));
}

async function throughput(
  sampler: 'random' | 'tpe',
  workers: number,
): Promise<{ perSecond: number; failed: number; other: number }> {
  const platform = await startPlatform({ workers, env: { TUNEFORGE_WORKER_CONCURRENCY: CONCURRENCY } });
  try {
    const post = (name: string, nTrials: number) =>
      postThroughputStudy(platform, { name, sampler, nTrials, maxParallel: MAX_PARALLEL });
    await waitForStudy(platform, await post('warm-up', WARM_UP), 300_000);
    const started = Date.now();
    const id = await post('measured', TRIALS);
    const study = await waitForStudy(platform, id, 300_000);
    // Up to the last trial's finish, not to the poll that saw the study COMPLETED (every 250 ms: a tenth or
    // more of a run this short). The workers and this process read the same clock.
    const seconds = ((await lastFinish(platform, id)) - started) / 1000;
    return {
      perSecond: study.counts.COMPLETE / seconds,
      failed: study.counts.FAIL,
      other: study.counts.WAITING + study.counts.RUNNING + study.counts.PRUNED,
    };
  } finally {
    await platform.stop();
  }
}

/** When the study's last trial finished (ms since the epoch), over every page of its trials. */
async function lastFinish(platform: Platform, id: number): Promise<number> {
  let last = 0;
  let after: string | null = null;
  do {
    const page = (
      await platform.request(`/studies/${id}/trials?limit=1000${after === null ? '' : `&after=${after}`}`)
    ).body as { items: Array<{ datetimeComplete: string | null }>; next: string | null };
    for (const t of page.items) if (t.datetimeComplete) last = Math.max(last, Date.parse(t.datetimeComplete));
    after = page.next;
  } while (after !== null);
  return last;
}

/** One median-pruner decision on the Redis index of a study with `completed` finished 50-step curves. */
async function pruningLatency(completed: number): Promise<{ median: number; p99: number }> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const keys = new RedisKeys(`tfbench${process.pid}`);
  const index = new RedisPruningIndex(redis, keys);
  const studyId = 1;
  const trial = (
    number: number,
    values: Record<number, number>,
    state: FrozenTrial['state'],
  ): FrozenTrial => ({
    trialId: number + 1,
    number,
    state,
    values: state === 'COMPLETE' ? [values[50]] : null,
    params: {},
    distributions: {},
    intermediateValues: values,
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: 0,
    datetimeComplete: 0,
  });
  try {
    for (let n = 0; n < completed; n++) {
      const curve: Record<number, number> = {};
      for (let step = 1; step <= 50; step++) curve[step] = 1 / step + ((n * 7919) % 1000) / 1000;
      await index.recordComplete(studyId, trial(n, curve, 'COMPLETE'));
    }
    const history = new RedisPruningHistory(index, { studyId, studyName: 'bench', directions: ['minimize'] });
    const pruner = new MedianPruner();
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const step = 1 + (i % 50);
      const running = trial(completed + i, { [step]: 0.5 + (i % 10) / 10 }, 'RUNNING');
      const t0 = performance.now();
      await history.refresh(step);
      pruner.prune(history, trialContext(running, []));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { median: median(times), p99: times[Math.floor(times.length * 0.99)] };
  } finally {
    const found = await redis.keys(`${keys.prefix}:*`);
    if (found.length) await redis.del(...found);
    await redis.quit();
  }
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const sampler of SAMPLERS) {
    for (const workers of WORKERS) {
      const runs = [];
      for (let rep = 0; rep < REPS; rep++) runs.push(await throughput(sampler, workers));
      const ours = median(runs.map((r) => r.perSecond));
      const ref = reference(sampler, workers);
      rows.push([
        `${sampler}, ${workers} worker${workers > 1 ? 's' : ''}`,
        fmt(ours, 4),
        fmt(ref, 4),
        `${fmt(ours / ref)}×`,
        String(runs.reduce((a, r) => a + r.failed, 0)),
        String(runs.reduce((a, r) => a + r.other, 0)),
      ]);
      process.stderr.write(`${rows[rows.length - 1].join('  ')}\n`);
    }
  }
  const headers = [
    'configuration',
    'ours trials/s',
    'Optuna 3.1 (Postgres) trials/s',
    'ratio',
    'failed',
    'not finished',
  ];
  console.log(
    `\nEnd-to-end throughput: ${TRIALS} trials of (x - 2)^2 after a ${WARM_UP}-trial warm-up, worker concurrency ${CONCURRENCY}, maxParallel ${MAX_PARALLEL}, median of ${REPS}`,
  );
  console.log(renderTable(headers, rows));
  const latency: string[][] = [];
  for (const completed of [100, 1000]) {
    const l = await pruningLatency(completed);
    latency.push([`${completed} completed trials`, fmt(l.median), fmt(l.p99)]);
  }
  console.log('\nPruning decision (median pruner on the Redis index: refresh + decision), ms');
  console.log(renderTable(['study', 'median', 'p99'], latency));
  console.log('\nMarkdown:\n');
  console.log(renderMarkdown(headers, rows));
  console.log();
  console.log(renderMarkdown(['study', 'median ms', 'p99 ms'], latency));
}

void main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
