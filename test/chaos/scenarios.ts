/**
 * The faults of issue 12, one scenario each. A scenario breaks one thing while a study runs and returns
 * the moment the broken service is back (for a kill: the moment the platform has what it needs again),
 * from which the recovery time is measured.
 */
import { Redis } from 'ioredis';
import { isAlive, readObjectiveRuns, type ObjectiveRun } from './chaos-objective';
import type { ApiAnswer, ChaosPlatform } from './chaos-platform';
import { sleep, type PostgresCluster, type RedisServer } from './services';
import type { TrialWatch } from './trial-watch';

export interface FaultContext {
  platform: ChaosPlatform;
  redis: RedisServer;
  postgres: PostgresCluster;
  watch: TrialWatch;
  logFile: string;
  /** What the scenario saw go wrong while breaking things (fails the scenario). */
  problems: string[];
  /** What it did, for the table. */
  notes: string[];
}

export interface Scenario {
  name: string;
  /** One line for the table of RELIABILITY.md. */
  description: string;
  /** @defaultValue 8 */
  maxParallel?: number;
  /** Redis with AOF on. @defaultValue false */
  persistentRedis?: boolean;
  /**
   * The study has a median pruner (that never prunes: its startup outlasts the study), so that each report
   * reads the Redis pruning index. @defaultValue false (no pruner)
   */
  pruning?: boolean;
  /** Breaks something once a quarter of the trials are COMPLETE; resolves with the time it is back. */
  fault?(ctx: FaultContext): Promise<number>;
  /** Instead of `fault`: creates the study itself, in the middle of an outage. */
  createStudy?(ctx: FaultContext, definition: object): Promise<{ studyId: number; back: number }>;
}

/**
 * SIGKILL of the worker with the most objectives running right now (waits up to 10 s for one to have an
 * objective under way, so that there is always something in flight to lose).
 */
async function killBusiestWorker(ctx: FaultContext): Promise<{ objectives: ObjectiveRun[]; at: number }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const workers = new Map(ctx.platform.alive('worker').map((p) => [p.id, p]));
    const running = ctx.watch.rows.filter((r) => r.state === 'RUNNING' && r.worker && workers.has(r.worker));
    const live = (await readObjectiveRuns(ctx.logFile)).filter((r) => r.value === null && isAlive(r.pid));
    const load = new Map<string, ObjectiveRun[]>();
    for (const trial of running) {
      const objectives = live.filter((r) => r.trial === trial.number);
      if (objectives.length > 0) load.set(trial.worker!, [...(load.get(trial.worker!) ?? []), ...objectives]);
    }
    const busiest = [...load].sort((a, b) => b[1].length - a[1].length)[0];
    if (busiest || Date.now() > deadline) {
      const victim = busiest ? workers.get(busiest[0])! : [...workers.values()][0];
      const objectives = busiest?.[1] ?? [];
      await ctx.platform.kill(victim);
      const at = Date.now();
      const what = objectives.map((r) => `#${r.trial} (pid ${r.pid})`).join(', ');
      ctx.notes.push(`killed ${victim.id} running ${what || 'no objective'}`);
      if (objectives.length === 0)
        ctx.problems.push('no worker had an objective running in 10 s: nothing was lost');
      return { objectives, at };
    }
    await sleep(50);
  }
}

/** Issue 12, acceptance: no objective process is alive 2 s after its worker's SIGKILL. */
async function expectObjectivesDead(ctx: FaultContext, objectives: ObjectiveRun[], killedAt: number) {
  await sleep(Math.max(0, killedAt + 2000 - Date.now()));
  const outliving = objectives.filter((r) => isAlive(r.pid));
  if (outliving.length > 0) {
    ctx.problems.push(
      `objective still running 2 s after its worker's SIGKILL: ${outliving.map((r) => `#${r.trial} pid ${r.pid}`).join(', ')}`,
    );
  }
}

async function restartRedis(ctx: FaultContext, downMs: number): Promise<number> {
  await ctx.redis.stop();
  await sleep(downMs);
  await ctx.redis.start();
  return Date.now();
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'worker-kill',
    description: 'SIGKILL of the worker with the most objectives running (they must be gone 2 s later)',
    async fault(ctx) {
      const { objectives, at } = await killBusiestWorker(ctx);
      await expectObjectivesDead(ctx, objectives, at);
      return at;
    },
  },
  {
    name: 'scheduler-kill-refill',
    description: 'SIGKILL of the scheduler while a refill job is active, a new scheduler started at once',
    async fault(ctx) {
      const redis = new Redis(ctx.redis.url, { maxRetriesPerRequest: 1 });
      redis.on('error', () => undefined);
      const deadline = Date.now() + 10_000;
      let during = false;
      try {
        while (Date.now() < deadline && !(during = (await redis.llen('chaos:refill:active')) > 0))
          await sleep(5);
      } finally {
        redis.disconnect();
      }
      for (const scheduler of ctx.platform.alive('scheduler')) await ctx.platform.kill(scheduler);
      const killedAt = Date.now();
      const replacement = ctx.platform.spawn('scheduler');
      const back = await ctx.platform.started(replacement);
      ctx.notes.push(
        `${during ? 'killed during a refill' : 'no active refill seen in 10 s; killed anyway'}; ${replacement.id} up ${((back - killedAt) / 1000).toFixed(1)} s after the kill`,
      );
      return back;
    },
  },
  {
    name: 'api-kill',
    description: 'SIGKILL of the API, a new one started at once',
    async fault(ctx) {
      for (const api of ctx.platform.alive('api')) await ctx.platform.kill(api);
      ctx.platform.spawn('api');
      await ctx.platform.waitHealthy(60_000);
      return Date.now();
    },
  },
  {
    name: 'redis-restart',
    description: 'Redis without persistence stopped and started 1 s later (the queues are empty)',
    pruning: true,
    fault: (ctx) => restartRedis(ctx, 1000),
  },
  {
    name: 'redis-restart-aof',
    description: 'Redis with AOF persistence stopped and started 1 s later (the queues survive)',
    persistentRedis: true,
    fault: (ctx) => restartRedis(ctx, 1000),
  },
  {
    name: 'worker-kill-redis-wipe',
    description: 'SIGKILL of a worker, then Redis (no persistence) restarted 2 s later: its jobs are gone',
    async fault(ctx) {
      const { objectives, at } = await killBusiestWorker(ctx);
      await expectObjectivesDead(ctx, objectives, at);
      return restartRedis(ctx, 0);
    },
  },
  {
    name: 'postgres-restart',
    description: 'Postgres restarted cleanly (`pg_ctlcluster stop -m fast`, then start)',
    fault: (ctx) => ctx.postgres.restart(),
  },
  {
    name: 'postgres-crash',
    description: 'Postgres postmaster SIGKILLed, started again 2 s later (crash recovery)',
    async fault(ctx) {
      await ctx.postgres.crash();
      await sleep(2000);
      return ctx.postgres.start();
    },
  },
  {
    name: 'postgres-outage',
    description: 'Postgres stopped for 5 s with maxParallel 24',
    maxParallel: 24,
    async fault(ctx) {
      await ctx.postgres.stop();
      await sleep(5000);
      return ctx.postgres.start();
    },
  },
  {
    name: 'post-during-redis-outage',
    description:
      'POST /studies while Redis is down answers within 5 s; the same POST after Redis is back does not 409',
    async createStudy(ctx, definition) {
      await ctx.redis.stop();
      const sent = Date.now();
      const first = await ctx.platform.request('/studies', { body: definition, timeoutMs: 5000 });
      const seconds = (Date.now() - sent) / 1000;
      ctx.notes.push(`POST with Redis down: ${answerText(first)} in ${seconds.toFixed(1)} s`);
      if (first.status === 0) ctx.problems.push('POST /studies with Redis down did not answer within 5 s');
      await ctx.redis.start();
      const back = Date.now();
      const retry = await ctx.platform.request('/studies', { body: definition, timeoutMs: 10_000 });
      ctx.notes.push(`retry: ${answerText(retry)}`);
      let studyId = first.status >= 200 && first.status < 300 ? first.body.id : undefined;
      if (retry.status >= 200 && retry.status < 300) studyId = retry.body.id;
      else ctx.problems.push(`the retried POST answered ${answerText(retry)} (expected 200/201)`);
      if (studyId === undefined) {
        const found = await ctx.platform.request(`/studies/${(definition as { name: string }).name}`);
        if (found.status !== 200) throw new Error(`the study was not created: ${answerText(found)}`);
        studyId = found.body.id;
      }
      return { studyId, back };
    },
  },
];

function answerText(answer: ApiAnswer): string {
  if (answer.status === 0) return `no answer (${answer.body})`;
  const message = typeof answer.body === 'object' && answer.body ? answer.body.message : answer.body;
  return `${answer.status}${message ? ` ${String(message).slice(0, 120)}` : ''}`;
}
