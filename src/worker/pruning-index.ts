import { lastStep, type FrozenTrial } from '@tuneforge/core';
import type { RedisKeys } from '@tuneforge/queue';
import type { Redis } from 'ioredis';

/** Rungs read per decision: successive halving with reduction factor >= 2 over <= 2^16 steps. */
const MAX_RUNGS = 16;
const RUNG_ATTR = /^completed_rung_(\d+)$/;

/** What the pruner of one trial needs to know about the other trials, for one step. */
export interface PruningSnapshot {
  /** COMPLETE trials: number → last reported step (null when none). */
  completed: Map<number, number | null>;
  /** Values at the step, of COMPLETE trials: number → value. */
  atStep: Map<number, number>;
  /** Rung values recorded by successive halving, by trial number: `completed_rung_<k>` → value. */
  rungs: Map<number, Record<string, number>>;
}

/**
 * The study-wide figures pruners compare a trial against, kept in Redis by every worker, so that a
 * decision costs one round trip instead of a read of the study's history from Postgres. Rebuilt from
 * Postgres when missing (`ensureStudy`), so Redis holds nothing that cannot be recomputed.
 */
export class RedisPruningIndex {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Indexes a COMPLETE trial's curve: its value at each step, and the trial itself. */
  async recordComplete(studyId: number, trial: FrozenTrial): Promise<void> {
    const pipe = this.redis.pipeline();
    for (const [step, value] of Object.entries(trial.intermediateValues)) {
      if (Number.isFinite(value))
        pipe.zadd(this.keys.completedAtStep(studyId, Number(step)), value, trial.number);
    }
    pipe.zadd(this.keys.completedTrials(studyId), lastStep(trial) ?? -1, trial.number);
    await pipe.exec();
  }

  /** Records a successive-halving rung value that a pruner stored on a trial. */
  async recordSystemAttr(studyId: number, trialNumber: number, key: string, value: unknown): Promise<void> {
    const rung = RUNG_ATTR.exec(key);
    if (rung && typeof value === 'number') {
      await this.redis.hset(this.keys.rung(studyId, Number(rung[1])), String(trialNumber), String(value));
    }
  }

  /** Everything the pruners read for `step`, in one round trip. */
  async snapshot(studyId: number, step: number): Promise<PruningSnapshot> {
    const pipe = this.redis.pipeline();
    pipe.zrange(this.keys.completedTrials(studyId), 0, -1, 'WITHSCORES');
    pipe.zrange(this.keys.completedAtStep(studyId, step), 0, -1, 'WITHSCORES');
    for (let k = 0; k < MAX_RUNGS; k++) pipe.hgetall(this.keys.rung(studyId, k));
    const replies = (await pipe.exec()) ?? [];
    const fail = replies.find(([e]) => e);
    if (fail) throw fail[0];
    const pairs = (flat: string[]) => {
      const out: Array<[number, number]> = [];
      for (let i = 0; i < flat.length; i += 2) out.push([Number(flat[i]), Number(flat[i + 1])]);
      return out;
    };
    const completed = new Map(
      pairs(replies[0][1] as string[])
        .filter(([n]) => n >= 0)
        .map(([n, s]) => [n, s < 0 ? null : s] as const),
    );
    const atStep = new Map(pairs(replies[1][1] as string[]));
    const rungs = new Map<number, Record<string, number>>();
    for (let k = 0; k < MAX_RUNGS; k++) {
      const hash = replies[2 + k][1] as Record<string, string>;
      for (const [number, value] of Object.entries(hash)) {
        const n = Number(number);
        const attrs = rungs.get(n) ?? {};
        attrs[`completed_rung_${k}`] = Number(value);
        rungs.set(n, attrs);
      }
    }
    return { completed, atStep, rungs };
  }

  /** Whether the study's index exists; rebuilt from its COMPLETE trials when it does not. */
  async ensureStudy(studyId: number, history: () => Promise<readonly FrozenTrial[]>): Promise<void> {
    if ((await this.redis.exists(this.keys.completedTrials(studyId))) === 1) return;
    const trials = await history();
    for (const t of trials) {
      if (t.state === 'COMPLETE') await this.recordComplete(studyId, t);
      for (const [key, value] of Object.entries(t.systemAttrs))
        await this.recordSystemAttr(studyId, t.number, key, value);
    }
    // An empty marker (score -2 never names a trial) so that an empty study is not rebuilt every time.
    await this.redis.zadd(this.keys.completedTrials(studyId), -2, '-1');
  }
}
