/**
 * One chaos scenario from start to verdict: its own Redis, a fresh database on the run's Postgres cluster,
 * the platform (api, scheduler, 4 workers), a study of 1-second command trials, the fault, then the
 * checks of issue 12 on what the study looks like once it has stopped moving.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  isAlive,
  type ObjectiveRun,
  OBJECTIVE_NAME,
  overlappingRuns,
  readObjectiveRuns,
  writeChaosObjective,
} from './chaos-objective';
import { ChaosPlatform } from './chaos-platform';
import type { FaultContext, Scenario } from './scenarios';
import { RedisServer, sleep, type PostgresCluster } from './services';
import { describeUnfinished, TERMINAL, TrialWatch, type TrialRow } from './trial-watch';

export const RECOVERY_LIMIT_S = 15;
/** A study whose trials did not change for this long is stuck (well above lease + sweep + a trial). */
const STALL_MS = 30_000;
const WORKERS = 4;

export interface RunSettings {
  postgres: PostgresCluster;
  /** Folder of this round's scenarios (logs, objective log, Redis files). */
  dir: string;
  round: number;
  nTrials: number;
  leaseSeconds: number;
}

export interface ScenarioResult {
  name: string;
  round: number;
  pass: boolean;
  trials: string;
  /** Seconds from the service being back to the study moving again; null when it never did. */
  recovery: number | null;
  notes: string[];
  problems: string[];
  /** Error and warning lines of the processes, for a failed scenario. */
  logExcerpts: string[];
  dir: string;
}

export async function runScenario(scenario: Scenario, settings: RunSettings): Promise<ScenarioResult> {
  const dir = join(settings.dir, scenario.name);
  await mkdir(dir, { recursive: true });
  const result: ScenarioResult = {
    name: scenario.name,
    round: settings.round,
    pass: false,
    trials: '—',
    recovery: null,
    notes: [],
    problems: [],
    logExcerpts: [],
    dir,
  };
  const redis = await RedisServer.start({ persistent: scenario.persistentRedis ?? false, dir });
  const databaseUrl = await settings.postgres.createDatabase(
    `chaos_${settings.round}_${scenario.name.replace(/-/g, '_')}`,
  );
  const { objectivesDir, logFile } = await writeChaosObjective(dir);
  const watch = new TrialWatch(databaseUrl);
  let platform: ChaosPlatform | null = null;
  try {
    platform = await ChaosPlatform.start({
      databaseUrl,
      redisUrl: redis.url,
      objectivesDir,
      dir,
      workers: WORKERS,
      env: { TUNEFORGE_SWEEP_SECONDS: '1', TUNEFORGE_LEASE_SECONDS: String(settings.leaseSeconds) },
    });
    const ctx: FaultContext = {
      platform,
      redis,
      postgres: settings.postgres,
      watch,
      logFile,
      problems: result.problems,
      notes: result.notes,
    };
    const definition = {
      name: `chaos-${scenario.name}`,
      objective: { command: OBJECTIVE_NAME },
      sampler: { type: 'random' },
      pruner: scenario.pruning
        ? { type: 'median', options: { nStartupTrials: settings.nTrials } }
        : { type: 'none' },
      budget: { nTrials: settings.nTrials, maxParallel: scenario.maxParallel ?? 8 },
      seed: settings.round,
    };

    let studyId: number;
    let back: number;
    let inFlight: number[] = [];
    if (scenario.createStudy) {
      ({ studyId, back } = await scenario.createStudy(ctx, definition));
      watch.watch(studyId);
    } else {
      const created = await platform.request('/studies', { body: definition });
      if (created.status !== 201)
        throw new Error(`POST /studies: ${created.status} ${JSON.stringify(created.body)}`);
      studyId = created.body.id;
      watch.watch(studyId);
      await waitFor(
        'a quarter of the trials COMPLETE',
        watch,
        settings.nTrials,
        () => watch.count('COMPLETE') >= settings.nTrials / 4,
      );
      await watch.poll();
      inFlight = watch.rows.filter((r) => !TERMINAL.includes(r.state)).map((r) => r.number);
      result.notes.push(`${inFlight.length} trials in flight at the fault`);
      back = await scenario.fault!(ctx);
    }

    const study = await waitForEnd(platform, watch, studyId, settings.nTrials);
    const trials = await listTrials(platform, studyId);
    const rows = await watch.poll();
    result.trials = describeCounts(rows, settings.nTrials);
    result.recovery = recoverySeconds(rows, inFlight, back, settings.nTrials);
    await checkStudy(result, study, trials, rows, settings.nTrials);
    await checkObjectiveRuns(result, trials, logFile);
    if (result.recovery === null) result.problems.push('the study never moved again after the fault');
    else if (result.recovery > RECOVERY_LIMIT_S)
      result.problems.push(`recovery took ${result.recovery.toFixed(1)} s (limit ${RECOVERY_LIMIT_S} s)`);
    const reruns = rows.filter((r) => r.attempt > 1).map((r) => `#${r.number}`);
    if (reruns.length > 0) result.notes.push(`re-run: ${reruns.join(', ')}`);
  } catch (e) {
    result.problems.push(`aborted: ${(e as Error).message}`);
  } finally {
    await watch.close();
    await platform?.stop();
    // Objectives that outlived their worker are this test's processes: end them before the next scenario.
    for (const run of await readObjectiveRuns(logFile))
      if (isAlive(run.pid)) process.kill(run.pid, 'SIGKILL');
    await redis.stop();
  }
  result.pass = result.problems.length === 0;
  if (!result.pass && platform)
    result.logExcerpts = await logExcerpts(platform.processes.map((p) => p.logFile));
  return result;
}

/** Waits for the study to get under way; a FAIL or no change for STALL_MS means the platform is broken before any fault. */
async function waitFor(what: string, watch: TrialWatch, nTrials: number, done: () => boolean): Promise<void> {
  while (!done()) {
    const failed = watch.count('FAIL');
    if (failed > 0) {
      throw new Error(
        `${failed} trial(s) FAIL before the fault (the objective never fails: see the worker logs); ${describeCounts(watch.rows, nTrials)}`,
      );
    }
    if (Date.now() - watch.lastChange > STALL_MS) {
      throw new Error(
        `stuck before the fault, waiting for ${what}: ${describeCounts(watch.rows, nTrials)} ${describeUnfinished(watch.rows)}`,
      );
    }
    await sleep(50);
  }
}

/** The study once it left RUNNING, or once its trials stopped changing for STALL_MS (then still RUNNING). */
async function waitForEnd(platform: ChaosPlatform, watch: TrialWatch, studyId: number, nTrials: number) {
  const deadline = Date.now() + nTrials * 1500 + 180_000;
  let study: any = null;
  for (;;) {
    const answer = await platform.request(`/studies/${studyId}`, { timeoutMs: 3000 });
    if (answer.status === 200) study = answer.body;
    if (study && study.state !== 'RUNNING') return study;
    if (Date.now() - watch.lastChange > STALL_MS || Date.now() > deadline) return study;
    await sleep(500);
  }
}

async function listTrials(platform: ChaosPlatform, studyId: number): Promise<any[]> {
  for (let attempt = 1; ; attempt++) {
    const answer = await platform.request(`/studies/${studyId}/trials?limit=1000`);
    if (answer.status === 200) return answer.body.items;
    if (attempt >= 10) throw new Error(`GET /studies/${studyId}/trials: ${answer.status}`);
    await sleep(1000);
  }
}

function describeCounts(rows: readonly TrialRow[], nTrials: number): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  const complete = counts.get('COMPLETE') ?? 0;
  counts.delete('COMPLETE');
  return [`${complete}/${nTrials}`, ...[...counts].map(([s, n]) => `${n} ${s}`)].join(', ');
}

/**
 * From the service being back until every trial that was in flight at the fault has finished and a trial
 * started after it has finished (progress resumed); the times are the database's.
 */
function recoverySeconds(
  rows: readonly TrialRow[],
  inFlight: readonly number[],
  back: number,
  nTrials: number,
): number | null {
  let until = back;
  for (const n of inFlight) {
    const row = rows.find((r) => r.number === n);
    if (!row || !TERMINAL.includes(row.state) || row.complete === null) return null;
    until = Math.max(until, row.complete);
  }
  const later = rows.filter((r) => r.start !== null && r.start > back);
  const finished = later.filter((r) => r.complete !== null).map((r) => r.complete!);
  // Trials still to create but none started since: the study froze.
  if (later.length === 0 && rows.length < nTrials) return null;
  if (later.length > 0) {
    if (finished.length === 0) return null;
    until = Math.max(until, Math.min(...finished));
  }
  return (until - back) / 1000;
}

async function checkStudy(
  result: ScenarioResult,
  study: any,
  trials: any[],
  rows: readonly TrialRow[],
  nTrials: number,
): Promise<void> {
  if (!study) result.problems.push('GET /studies/:id never answered');
  else if (study.state !== 'COMPLETED') result.problems.push(`the study is ${study.state}, not COMPLETED`);
  const unfinished = describeUnfinished(rows);
  if (unfinished) result.problems.push(`stuck: ${unfinished}`);
  const numbers = trials.map((t) => t.number);
  const expected = Array.from({ length: nTrials }, (_, i) => i);
  if (numbers.length !== nTrials || numbers.some((n, i) => n !== expected[i])) {
    result.problems.push(
      `trial numbers are not 0..${nTrials - 1}: ${numbers.length} trials, ${compactRanges(numbers)}`,
    );
  }
  const failed = trials.filter((t) => t.state === 'FAIL');
  if (failed.length > 0) {
    // The objective never fails on its own: a FAIL is a fault that reached a trial.
    result.problems.push(
      `${failed.length} FAIL: ${failed
        .slice(0, 5)
        .map((t) => `#${t.number} ${String(t.failReason).slice(0, 160)}`)
        .join('; ')}`,
    );
  }
  if (study?.counts) {
    const complete = trials.filter((t) => t.state === 'COMPLETE').length;
    if (study.counts.COMPLETE !== complete) {
      result.problems.push(`the study counts ${study.counts.COMPLETE} COMPLETE, its trials list ${complete}`);
    }
  }
}

/** No run of a trial overlapped another run of it; each COMPLETE trial's value is its committed run's. */
async function checkObjectiveRuns(result: ScenarioResult, trials: any[], logFile: string): Promise<void> {
  const runs = await readObjectiveRuns(logFile);
  result.problems.push(...overlappingRuns(runs));
  for (const t of trials.filter((x) => x.state === 'COMPLETE')) {
    const value = t.values?.[0];
    const ended = runs.filter((r) => r.trial === t.number && r.value !== null);
    const same = (r: ObjectiveRun) => Math.abs(r.value! - value) <= 1e-9;
    if (t.userAttrs?.chaos_run === undefined) {
      // The run printed its attribute before its result: a COMPLETE trial without it lost part of its result.
      const from = ended.filter(same).map((r) => `pid ${r.pid}`);
      result.problems.push(
        `trial #${t.number} COMPLETE without the user attribute chaos_run its run printed before the result (value from ${from.join(', ') || 'no run'})`,
      );
    } else {
      const run = ended.find((r) => r.pid === Number(t.userAttrs.chaos_run));
      if (!run || !same(run)) {
        result.problems.push(
          `trial #${t.number}: its value ${value} is not the result of run pid ${t.userAttrs.chaos_run} (runs: ${ended.map((r) => `pid ${r.pid} → ${r.value}`).join(', ') || 'none ended'})`,
        );
      }
    }
  }
  await sleep(500);
  const alive = runs.filter((r) => isAlive(r.pid));
  if (alive.length > 0) {
    result.problems.push(
      `objectives still running after the study ended: ${alive.map((r) => `#${r.trial} pid ${r.pid}`).join(', ')}`,
    );
  }
}

function compactRanges(numbers: number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}..${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The last distinct warn and error lines of each process (JSON logs), and uncaught errors. */
async function logExcerpts(files: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const file of files) {
    const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n');
    const bad = lines.filter(
      (l) =>
        /"level":"(warn|error|fatal)"|^\S*Error/.test(l) && !l.includes('TUNEFORGE_API_TOKEN is not set'),
    );
    const name = file.slice(file.lastIndexOf('/') + 1, -'.log'.length);
    const seen = new Set<string>();
    const distinct = bad.filter((l) => {
      const key = l
        .replace(/"time":\d+,?/, '')
        .replace(/\d+/g, 'N')
        .slice(0, 160);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    for (const line of distinct.slice(-4)) out.push(`${name}: ${line.slice(0, 300)}`);
  }
  return out;
}
