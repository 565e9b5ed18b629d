/**
 * Many studies at once (`npm run bench:load`): api + scheduler + N worker processes on a fresh Postgres
 * database and Redis prefix (`--workers` 4 × `--concurrency` 4; `--schedulers` 1, more share the studies).
 *
 * 1. **Load**: `--studies` (100) studies of `--trials` (100) random-search trials of the built-in `quadratic`
 *    posted together; prints trials/s, the wait of each trial from its job's add to its start (per study
 *    p50 / p99, from the Redis stream ids of BullMQ's `added` and `active` events, so server time), Jain's
 *    fairness index over the studies' progress (finished fraction) when half of all trials have finished,
 *    the peak Postgres connections (pg_stat_activity of the database) and Redis connections (the platform
 *    processes' sockets to Redis, by pid, from `ss`), the scheduler's RSS, and a check that every study
 *    completed with exactly `--trials` trials numbered 0 … n − 1, each COMPLETE and run once.
 * 2. **Starvation** (`--big 0` skips it): one study with `--big` (10 000) trials enqueued through
 *    `POST /studies/:id/trials` (WAITING), running; then `--small` (10) studies of 20 trials are posted
 *    beside it: how long they take, and how many of the big study's trials ran meanwhile.
 * 3. **Refill cost by study size** (`--refill-sizes 10000,100000`, none by default): a random-search study
 *    posted and stopped, that many finished trials written beside it straight into Postgres, then resumed:
 *    the time to 20 more finished trials (the first refill reads the history), then the scheduler's mean
 *    refill time over the next 200 (its `tuneforge_scheduler_refill_duration_seconds` from /metrics), its
 *    RSS, and the RSS of a worker started after the history was written (with the trials it ran).
 * 4. **Clients' asks by study size** (`--ask-sizes 100000,999000`, none by default; `--ask-sampler`, random):
 *    a client-only study, that many finished trials written into it, then 20 asks over REST, each told at
 *    once: the first ask (the api loads the study), the median of the others, the api's RSS.
 *
 * `--only refill` and `--only ask` skip scenarios 1 and 2.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { floatDistribution } from '@tuneforge/core';
import { queueKeyPrefix, TRIALS_QUEUE } from '@tuneforge/platform';
import { openStorage } from '@tuneforge/storage';
import { QueueEvents } from 'bullmq';
import { Client } from 'pg';
import { startPlatform, type Platform, type RoleProcess } from '../test/support/platform-harness';
import { parseArgs } from './lib/args';
import { refillMetric } from './lib/platform-session';
import { median } from './lib/stats';
import { fmt, renderMarkdown } from './lib/table';

const args = parseArgs(process.argv.slice(2));
function intArg(name: string, fallback: number, min: number): number {
  const raw = args.get(name);
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${raw}`);
  return n;
}
const STUDIES = intArg('studies', 100, 1);
const TRIALS = intArg('trials', 100, 1);
const WORKERS = intArg('workers', 4, 1);
const SCHEDULERS = intArg('schedulers', 1, 1);
const CONCURRENCY = intArg('concurrency', 4, 1);
const MAX_PARALLEL = intArg('max-parallel', 4, 1);
const BIG = intArg('big', 10_000, 0);
const SMALL = intArg('small', 10, 1);
const SMALL_TRIALS = 20;
/** A comma list of trial counts (`--name 10000,100000`), none when absent. */
function sizesArg(name: string): number[] {
  return (args.get(name) ?? '')
    .split(',')
    .filter(Boolean)
    .map((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: ${v} is not a trial count`);
      return n;
    });
}
const REFILL_SIZES = sizesArg('refill-sizes');
const ASK_SIZES = sizesArg('ask-sizes');
const ASK_SAMPLER = args.get('ask-sampler') ?? 'random';
const ASKS = 20;
const ONLY = args.get('only');

/** Jain's fairness index of x: (Σx)² / (n Σx²); 1 when all are equal, 1/n when one has everything. */
function jainIndex(x: readonly number[]): number {
  const sum = x.reduce((a, b) => a + b, 0);
  const squares = x.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (x.length * squares);
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Milliseconds of a Redis stream id (`<ms>-<seq>`): the server's clock when the event was written. */
const streamMs = (id: string) => Number(id.slice(0, id.indexOf('-')));

/** When each trial job was added and started (server time), and how often it started. */
class JobTimeline {
  readonly added = new Map<string, number>();
  readonly started = new Map<string, number>();
  readonly starts = new Map<string, number>();
  private readonly events: QueueEvents;

  constructor(prefix: string) {
    this.events = new QueueEvents(TRIALS_QUEUE, {
      connection: { host: '127.0.0.1', port: 6379 },
      prefix: queueKeyPrefix(prefix),
      lastEventId: '0',
    });
    this.events.on('added', ({ jobId }, id) => {
      if (!this.added.has(jobId)) this.added.set(jobId, streamMs(id));
    });
    this.events.on('active', ({ jobId }, id) => {
      if (!this.started.has(jobId)) this.started.set(jobId, streamMs(id));
      this.starts.set(jobId, (this.starts.get(jobId) ?? 0) + 1);
    });
  }

  ready(): Promise<void> {
    return this.events.waitUntilReady().then(() => undefined);
  }

  close(): Promise<void> {
    return this.events.close();
  }
}

/** A role process's resident memory, MB. */
const rssMb = (proc: RoleProcess) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Peaks of what the platform holds while it runs, sampled every second. */
class ResourceSampler {
  pgPeak = 0;
  redisPeak = 0;
  redisByRole = new Map<string, number>();
  schedulerRssPeakMb = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly platform: Platform,
    private readonly db: Client,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample().catch(() => undefined), 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sample(): Promise<void> {
    const { rows } = await this.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    this.pgPeak = Math.max(this.pgPeak, Number(rows[0].n));
    const byPid = redisSocketsByPid();
    let total = 0;
    const byRole = new Map<string, number>();
    for (const p of this.platform.processes) {
      const n = byPid.get(p.child.pid!) ?? 0;
      total += n;
      byRole.set(p.role, (byRole.get(p.role) ?? 0) + n);
    }
    if (total > this.redisPeak) {
      this.redisPeak = total;
      this.redisByRole = byRole;
    }
    // The largest scheduler, when there are several.
    for (const scheduler of this.platform.processes.filter((p) => p.role === 'scheduler')) {
      this.schedulerRssPeakMb = Math.max(this.schedulerRssPeakMb, rssMb(scheduler));
    }
  }
}

/** Established TCP connections to Redis (port 6379) by owning pid. */
function redisSocketsByPid(): Map<number, number> {
  const out = execFileSync('ss', ['-Htnp', 'state', 'established', 'dport', '= :6379'], { encoding: 'utf8' });
  const counts = new Map<number, number>();
  for (const m of out.matchAll(/pid=(\d+)/g)) counts.set(Number(m[1]), (counts.get(Number(m[1])) ?? 0) + 1);
  return counts;
}

async function postStudy(
  platform: Platform,
  name: string,
  nTrials: number,
  maxParallel: number,
): Promise<number> {
  const res = await platform.request('/studies', {
    body: {
      name,
      objective: { builtin: 'quadratic' },
      sampler: { type: 'random' },
      pruner: { type: 'none' },
      budget: { nTrials, maxParallel },
      seed: 1,
    },
  });
  if (res.status !== 201) throw new Error(`POST /studies ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

/** Finished trials (COMPLETE, PRUNED, FAIL) per study. */
async function finishedByStudy(db: Client): Promise<Map<number, number>> {
  const { rows } = await db.query<{ study_id: number; n: string }>(
    "SELECT study_id, count(*) AS n FROM trials WHERE state IN ('COMPLETE', 'PRUNED', 'FAIL') GROUP BY study_id",
  );
  return new Map(rows.map((r) => [r.study_id, Number(r.n)]));
}

async function waitForStates(platform: Platform, ids: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = new Set(ids);
  for (;;) {
    const { body } = await platform.request('/studies');
    const running = (body as Array<{ id: number; state: string }>).filter(
      (s) => wanted.has(s.id) && s.state === 'RUNNING',
    );
    if (running.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${running.length} studies still RUNNING`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface LoadFigures {
  trialsPerSecond: number;
  seconds: number;
  jain: number;
  /** Min / median / max of the studies' finished fraction at the halfway point. */
  halfway: string;
  waitP50: number;
  waitP99: number;
  studyP50Median: number;
  studyP99Max: number;
  firstStartP50: number;
  firstStartMax: number;
  pgPeak: number;
  redisPeak: number;
  redisByRole: Map<string, number>;
  schedulerRssPeakMb: number;
  problems: string[];
  lostOrDuplicated: number;
  jobsTakenTwice: number;
  maxAttempt: number;
}

async function loadScenario(platform: Platform, db: Client, timeline: JobTimeline): Promise<LoadFigures> {
  const resources = new ResourceSampler(platform, db);
  resources.start();
  const started = Date.now();
  const postedAt = new Map<number, number>();
  const ids = await Promise.all(
    Array.from({ length: STUDIES }, async (_, i) => {
      const id = await postStudy(platform, `load-${i}`, TRIALS, MAX_PARALLEL);
      postedAt.set(id, Date.now());
      return id;
    }),
  );
  const total = STUDIES * TRIALS;
  let jain = NaN;
  let halfway = '';
  let finishedAt = 0;
  for (;;) {
    const finished = await finishedByStudy(db);
    const done = [...finished.values()].reduce((a, b) => a + b, 0);
    if (Number.isNaN(jain) && done >= total / 2) {
      const progress = ids.map((id) => (finished.get(id) ?? 0) / TRIALS).sort((a, b) => a - b);
      jain = jainIndex(progress);
      halfway = `${fmt(progress[0], 2)} / ${fmt(median(progress), 2)} / ${fmt(progress[progress.length - 1], 2)}`;
      process.stderr.write(`halfway (${done} finished): Jain's index ${fmt(jain, 4)}, progress ${halfway}\n`);
    }
    if (done >= total) {
      finishedAt = Date.now();
      break;
    }
    if (Date.now() - started > 600_000) throw new Error(`only ${done} of ${total} trials finished in 600 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitForStates(platform, ids, 60_000);
  await resources.sample();
  resources.stop();

  // Every study: COMPLETED with exactly TRIALS trials numbered 0 … TRIALS − 1, all COMPLETE, each run once.
  const problems: string[] = [];
  const { body: listed } = await platform.request('/studies');
  for (const s of listed as Array<{ id: number; name: string; state: string }>) {
    if (ids.includes(s.id) && s.state !== 'COMPLETED') problems.push(`${s.name} is ${s.state}`);
  }
  const { rows } = await db.query<{
    study_id: number;
    n: string;
    distinct_numbers: string;
    min_number: number;
    max_number: number;
    complete: string;
    max_attempt: number;
  }>(
    `SELECT study_id, count(*) AS n, count(DISTINCT number) AS distinct_numbers, min(number) AS min_number,
            max(number) AS max_number, count(*) FILTER (WHERE state = 'COMPLETE') AS complete,
            max(attempt) AS max_attempt
       FROM trials GROUP BY study_id`,
  );
  let lostOrDuplicated = 0;
  for (const id of ids) {
    const r = rows.find((row) => row.study_id === id);
    const ok =
      r &&
      Number(r.n) === TRIALS &&
      Number(r.distinct_numbers) === TRIALS &&
      r.min_number === 0 &&
      r.max_number === TRIALS - 1 &&
      Number(r.complete) === TRIALS;
    if (!ok) {
      lostOrDuplicated++;
      problems.push(`study ${id}: ${JSON.stringify(r ?? 'no trials')}`);
    }
  }
  const maxAttempt = Math.max(...rows.filter((r) => ids.includes(r.study_id)).map((r) => r.max_attempt));

  // Waits from job add to start, per study (trial ids map jobs to studies).
  const trialStudy = new Map(
    (
      await db.query<{ trial_id: number; study_id: number }>('SELECT trial_id, study_id FROM trials')
    ).rows.map((r) => [`trial-${r.trial_id}`, r.study_id]),
  );
  const waits = new Map<number, number[]>();
  const firstStart = new Map<number, number>();
  let jobsTakenTwice = 0;
  for (const [jobId, at] of timeline.started) {
    const studyId = trialStudy.get(jobId);
    const added = timeline.added.get(jobId);
    if (studyId === undefined || added === undefined || !ids.includes(studyId)) continue;
    if ((timeline.starts.get(jobId) ?? 0) > 1) jobsTakenTwice++;
    (waits.get(studyId) ?? waits.set(studyId, []).get(studyId)!).push(at - added);
    firstStart.set(studyId, Math.min(firstStart.get(studyId) ?? Infinity, at));
  }
  const all = [...waits.values()].flat().sort((a, b) => a - b);
  const perStudy = [...waits.values()].map((w) => w.sort((a, b) => a - b));
  const firstStarts = ids.map((id) => (firstStart.get(id) ?? NaN) - postedAt.get(id)!).sort((a, b) => a - b);
  if (all.length < total) problems.push(`start events seen for ${all.length} of ${total} trials`);
  const seconds = (finishedAt - started) / 1000;
  return {
    trialsPerSecond: total / seconds,
    seconds,
    jain,
    halfway,
    waitP50: quantile(all, 0.5),
    waitP99: quantile(all, 0.99),
    studyP50Median: median(perStudy.map((w) => quantile(w, 0.5))),
    studyP99Max: Math.max(...perStudy.map((w) => quantile(w, 0.99))),
    firstStartP50: quantile(firstStarts, 0.5),
    firstStartMax: firstStarts[firstStarts.length - 1],
    pgPeak: resources.pgPeak,
    redisPeak: resources.redisPeak,
    redisByRole: resources.redisByRole,
    schedulerRssPeakMb: resources.schedulerRssPeakMb,
    problems,
    lostOrDuplicated,
    jobsTakenTwice,
    maxAttempt,
  };
}

interface StarvationFigures {
  enqueued: number;
  enqueueSeconds: number;
  smallSeconds: number[];
  bigRanMeanwhile: number;
  bigWaitingAtSubmit: number;
  trialsPerSecond: number;
}

async function starvationScenario(platform: Platform, db: Client): Promise<StarvationFigures> {
  const big = await postStudy(platform, 'big', BIG, MAX_PARALLEL);
  // Stopped while it is filled, so that the enqueued trials, not the sampler's, make up its budget.
  await platform.request(`/studies/${big}/stop`, { body: {} });
  const t0 = Date.now();
  let enqueued = 0;
  let full = false;
  await Promise.all(
    // One request at a time: they all wait for the study's lock, which concurrent ones poll for.
    Array.from({ length: 1 }, async () => {
      while (!full) {
        const res = await platform.request(`/studies/${big}/trials`, { body: { params: {} } });
        if (res.status === 201) enqueued++;
        else if (res.status === 409) full = true;
        else throw new Error(`POST /studies/${big}/trials: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }),
  );
  const enqueueSeconds = (Date.now() - t0) / 1000;
  await platform.request(`/studies/${big}/resume`, { body: {} });
  // The big study runs alone for a while, then the small ones arrive.
  for (;;) {
    if (((await finishedByStudy(db)).get(big) ?? 0) >= 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const before = (await finishedByStudy(db)).get(big) ?? 0;
  const submitted = Date.now();
  const smallIds = await Promise.all(
    Array.from({ length: SMALL }, (_, i) => postStudy(platform, `small-${i}`, SMALL_TRIALS, MAX_PARALLEL)),
  );
  const doneAt = new Map<number, number>();
  while (doneAt.size < smallIds.length) {
    const { body } = await platform.request('/studies');
    for (const s of body as Array<{ id: number; state: string }>) {
      if (smallIds.includes(s.id) && s.state === 'COMPLETED' && !doneAt.has(s.id))
        doneAt.set(s.id, Date.now());
    }
    if (Date.now() - submitted > 300_000) throw new Error('the small studies did not complete in 300 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const after = (await finishedByStudy(db)).get(big) ?? 0;
  const seconds = (Math.max(...doneAt.values()) - submitted) / 1000;
  await platform.request(`/studies/${big}/stop`, { body: {} });
  return {
    enqueued,
    enqueueSeconds,
    smallSeconds: [...doneAt.values()].map((t) => (t - submitted) / 1000).sort((a, b) => a - b),
    bigRanMeanwhile: after - before,
    bigWaitingAtSubmit: BIG - before - MAX_PARALLEL,
    trialsPerSecond: (after - before + SMALL * SMALL_TRIALS) / seconds,
  };
}

async function withPlatform<T>(run: (platform: Platform, db: Client, timeline: JobTimeline) => Promise<T>) {
  const platform = await startPlatform({
    workers: WORKERS,
    env: { TUNEFORGE_WORKER_CONCURRENCY: String(CONCURRENCY) },
  });
  // More schedulers share the studies (each refill holds the study's lock).
  for (let i = 1; i < SCHEDULERS; i++) platform.spawnRole('scheduler');
  const db = new Client({ connectionString: platform.database.url });
  const timeline = new JobTimeline(platform.prefix);
  try {
    await db.connect();
    await timeline.ready();
    return await run(platform, db, timeline);
  } finally {
    await timeline.close();
    await db.end();
    await platform.stop();
  }
}

/**
 * Writes `size` COMPLETE trials of `x` in [-10, 10] into study `id`, straight into Postgres, then analyses
 * the table as autovacuum would shortly after a write this large: without statistics, the planner reads
 * the best trial of GET /studies/:id without its index, for seconds at 10⁶ trials.
 */
async function writeFinishedTrials(platform: Platform, db: Client, id: number, size: number): Promise<void> {
  const storage = await openStorage(platform.database.url);
  try {
    const x = floatDistribution(-10, 10);
    for (let done = 0; done < size; done += 5000) {
      const batch = Array.from({ length: Math.min(5000, size - done) }, (_, i) => ({
        state: 'COMPLETE' as const,
        values: [((done + i) % 97) / 7],
        params: { x: (((done + i) % 2000) - 1000) / 100 },
        distributions: { x },
        datetimeStart: 0,
        datetimeComplete: 1,
      }));
      await storage.createTrials(id, batch);
    }
  } finally {
    await storage.close();
  }
  await db.query('ANALYZE trials');
}

interface RefillCost {
  size: number;
  /** From resume to 20 finished trials: the first refill reads the whole history. */
  firstSeconds: number;
  refills: number;
  meanMs: number;
  schedulerRssMb: number;
  /** The worker started after the history was written, and the trials it ran. */
  newcomerRssMb: number;
  newcomerTrials: number;
}

/** Scenario 3: a study of `size` finished random-search trials, refilled by the scheduler process. */
async function refillCost(size: number): Promise<RefillCost> {
  const extra = 200;
  const warmUp = 20;
  return withPlatform(async (platform, db) => {
    // The budget leaves room for the trials that run before the stop below lands (how many depends on
    // the machine), within the API's 10⁶: the scenario ends after its 220 trials, not with the study.
    const budget = Math.min(size + warmUp + extra + 1000, 1_000_000);
    const id = await postStudy(platform, `refill-${size}`, budget, MAX_PARALLEL);
    await platform.request(`/studies/${id}/stop`, { body: {} });
    // What ran before the stop finishes; then the history is written beside it.
    for (;;) {
      const { body } = await platform.request(`/studies/${id}`);
      if (body.counts.RUNNING === 0 && body.counts.WAITING === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await writeFinishedTrials(platform, db, id, size);
    // A worker that starts now (a restart, a scale-out) meets the study at its full size.
    const newcomer = platform.spawnRole('worker');
    // Finished trials from GET /studies/:id (the counters), not a count over a million rows every 50 ms
    // beside the refills being measured.
    const finishedNow = async () => {
      const { counts } = (await platform.request(`/studies/${id}`)).body as {
        counts: Record<'COMPLETE' | 'PRUNED' | 'FAIL', number>;
      };
      return counts.COMPLETE + counts.PRUNED + counts.FAIL;
    };
    const finishedBefore = await finishedNow();
    const finished = async (n: number) => {
      const deadline = Date.now() + 600_000;
      while ((await finishedNow()) < finishedBefore + n) {
        if (Date.now() > deadline) throw new Error(`refill-${size}: ${n} more trials not finished in 600 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const t0 = Date.now();
    await platform.request(`/studies/${id}/resume`, { body: {} });
    // The first refills read the history into the scheduler's cache; the figure is for those after.
    await finished(warmUp);
    const firstSeconds = (Date.now() - t0) / 1000;
    const before = await refillMetric(platform);
    await finished(warmUp + extra);
    const after = await refillMetric(platform);
    const jobsOf = async (proc: RoleProcess) =>
      Number(
        (
          await db.query<{ n: string }>(
            'SELECT count(*) AS n FROM trials WHERE study_id = $1 AND worker_id = $2',
            [id, proc.workerId],
          )
        ).rows[0].n,
      );
    const refills = after.count - before.count;
    return {
      size,
      firstSeconds,
      refills,
      meanMs: ((after.sum - before.sum) / refills) * 1000,
      schedulerRssMb: rssMb(platform.processes.find((p) => p.role === 'scheduler')!),
      newcomerRssMb: rssMb(newcomer),
      newcomerTrials: await jobsOf(newcomer),
    };
  });
}

interface AskCost {
  size: number;
  sampler: string;
  /** The api's first ask on the study: it loads the study (its history, for a sampler that reads one). */
  firstMs: number;
  medianMs: number;
  apiRssMb: number;
}

/**
 * Scenario 4: a client-only study of `size` finished trials, then ASKS asks over REST, each told at once:
 * what a client waits for a trial, and what the api holds.
 */
async function askCost(size: number, sampler: string): Promise<AskCost> {
  const platform = await startPlatform({ workers: 0 });
  const db = new Client({ connectionString: platform.database.url });
  try {
    await db.connect();
    const res = await platform.request('/studies', {
      body: {
        name: `ask-${size}`,
        objective: { client: true },
        searchSpace: [{ name: 'x', type: 'float', low: -10, high: 10 }],
        sampler: { type: sampler },
        pruner: { type: 'none' },
        budget: { nTrials: Math.min(size + ASKS, 1_000_000), maxParallel: 4 },
        seed: 1,
      },
    });
    if (res.status !== 201)
      throw new Error(`POST /studies ask-${size}: ${res.status} ${JSON.stringify(res.body)}`);
    const id = res.body.id as number;
    await writeFinishedTrials(platform, db, id, size);
    const times: number[] = [];
    for (let i = 0; i < ASKS; i++) {
      const t0 = performance.now();
      const asked = await platform.request(`/studies/${id}/ask`, { body: { client: 'bench' } });
      times.push(performance.now() - t0);
      if (asked.status !== 201)
        throw new Error(`ask on ask-${size}: ${asked.status} ${JSON.stringify(asked.body)}`);
      const { number, lease } = asked.body as { number: number; lease: { token: string } };
      await platform.request(`/studies/${id}/trials/${number}/tell`, {
        body: { token: lease.token, value: 1 },
      });
    }
    return {
      size,
      sampler,
      firstMs: times[0],
      medianMs: median(times.slice(1)),
      apiRssMb: rssMb(platform.processes.find((p) => p.role === 'api')!),
    };
  } finally {
    await db.end();
    await platform.stop();
  }
}

async function main(): Promise<void> {
  if (ASK_SIZES.length > 0) {
    const rows: string[][] = [];
    for (const size of ASK_SIZES) {
      const c = await askCost(size, ASK_SAMPLER);
      rows.push([String(size), c.sampler, fmt(c.firstMs, 3), fmt(c.medianMs, 3), fmt(c.apiRssMb, 3)]);
      process.stderr.write(`${rows[rows.length - 1].join('  ')}\n`);
    }
    console.log(`\nClients' asks on a study by its size (${ASKS} asks, each told at once)`);
    console.log(
      renderMarkdown(
        ['finished trials', 'sampler', 'first ask ms', 'median of the others, ms', 'api RSS MB'],
        rows,
      ),
    );
  }
  if (REFILL_SIZES.length > 0) {
    const rows: string[][] = [];
    for (const size of REFILL_SIZES) {
      const c = await refillCost(size);
      rows.push([
        String(size),
        fmt(c.firstSeconds, 3),
        String(c.refills),
        fmt(c.meanMs, 3),
        fmt(c.schedulerRssMb, 3),
        `${fmt(c.newcomerRssMb, 3)} (${c.newcomerTrials} trials)`,
      ]);
      process.stderr.write(`${rows[rows.length - 1].join('  ')}\n`);
    }
    console.log('\nRefill of a random-search study by its size (20 + 200 more trials on one worker)');
    console.log(
      renderMarkdown(
        [
          'finished trials',
          'resume → 20 finished, s',
          'refills (next 200)',
          'mean refill ms',
          'scheduler RSS MB',
          'RSS MB of a worker started then',
        ],
        rows,
      ),
    );
  }
  if (ONLY === 'refill' || ONLY === 'ask') return;
  const date = new Date().toISOString().slice(0, 10);
  console.log(
    `bench:load ${date}: ${STUDIES} studies × ${TRIALS} trials (random, quadratic, maxParallel ${MAX_PARALLEL}), ` +
      `${WORKERS} workers × concurrency ${CONCURRENCY}, ${SCHEDULERS} scheduler(s)`,
  );
  const load = await withPlatform(loadScenario);
  const ms = (v: number) => fmt(v, 4);
  console.log(
    renderMarkdown(
      ['figure', 'value'],
      [
        ['trials finished', `${STUDIES * TRIALS} in ${fmt(load.seconds, 3)} s`],
        ['trials/s', fmt(load.trialsPerSecond, 4)],
        ["Jain's index of the studies' progress at half of all trials", fmt(load.jain, 4)],
        ['  their progress then: min / median / max', load.halfway],
        ['add → start, all trials: p50 / p99 ms', `${ms(load.waitP50)} / ${ms(load.waitP99)}`],
        [
          'add → start per study: median of the p50s / worst p99, ms',
          `${ms(load.studyP50Median)} / ${ms(load.studyP99Max)}`,
        ],
        [
          'POST /studies → first trial start: median / worst, ms',
          `${ms(load.firstStartP50)} / ${ms(load.firstStartMax)}`,
        ],
        ['Postgres connections (pg_stat_activity, peak)', String(load.pgPeak)],
        [
          'Redis connections of the platform processes (peak)',
          `${load.redisPeak} (${[...load.redisByRole].map(([r, n]) => `${r} ${n}`).join(', ')})`,
        ],
        ['scheduler RSS, peak MB', fmt(load.schedulerRssPeakMb, 3)],
        [
          'studies not COMPLETED with exactly their trials',
          `${load.lostOrDuplicated} (runs per trial at most ${load.maxAttempt}; jobs taken twice ${load.jobsTakenTwice})`,
        ],
      ],
    ),
  );
  for (const p of load.problems) console.log(`PROBLEM: ${p}`);
  let failed = load.problems.length > 0;
  if (BIG > 0) {
    const s = await withPlatform((platform, db) => starvationScenario(platform, db));
    console.log(
      `\nStarvation: one study of ${s.enqueued} trials enqueued through POST /studies/:id/trials ` +
        `(${fmt(s.enqueueSeconds, 3)} s), running; ${SMALL} studies of ${SMALL_TRIALS} trials posted beside it ` +
        `while ${s.bigWaitingAtSubmit} of its trials still waited.`,
    );
    console.log(
      renderMarkdown(
        ['figure', 'value'],
        [
          [
            'small studies: POST → COMPLETED, median / last, s',
            `${fmt(median(s.smallSeconds), 3)} / ${fmt(s.smallSeconds[s.smallSeconds.length - 1], 3)}`,
          ],
          ["big study's trials finished meanwhile", String(s.bigRanMeanwhile)],
          ['trials/s meanwhile (all studies)', fmt(s.trialsPerSecond, 4)],
        ],
      ),
    );
    if (s.enqueued < BIG - MAX_PARALLEL) failed = true;
  }
  if (failed) process.exitCode = 1;
}

void main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
