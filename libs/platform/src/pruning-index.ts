import { completedRungKey, lastStep, type FrozenTrial } from '@tuneforge/core';
import type { RedisKeys } from './redis-keys';
import type { RedisClient } from './redis-client';

/**
 * Whether a study's trials are indexed: only its pruner reads the index, so a study without one (`none`,
 * the definition cannot change) costs no index write per trial and no rebuild from its whole history.
 */
export function usesPruningIndex(definition: { pruner: { type: string } }): boolean {
  return definition.pruner.type !== 'none';
}

/** Rungs read per decision: successive halving with reduction factor >= 2 over <= 2^16 steps. */
const MAX_RUNGS = 16;

/** The figures the pruners of one study compare a trial against at one step (PruningHistory's). */
export interface PruningSnapshot {
  completedTrialCount: number;
  /** The values the COMPLETE trials reported at the step, NaN included. */
  valuesAtStep: number[];
  /** The largest last step of the COMPLETE trials; null while none reported anything. */
  longestCompletedStep: number | null;
  /** `rungs[k]`: trial number → the value it recorded at successive-halving rung k. */
  rungs: Array<Map<number, number>>;
}

/** A sorted-set score as Redis returns it: infinities come back as `inf` / `-inf`. */
function parseScore(score: string): number {
  if (score === 'inf' || score === '+inf') return Infinity;
  if (score === '-inf') return -Infinity;
  return Number(score);
}

/**
 * The study-wide figures pruners compare a trial against, kept in Redis by every worker, so that a
 * decision costs one round trip instead of a read of the study's history from Postgres. Rebuilt from
 * Postgres when missing (`ensureStudy`), so Redis holds nothing that cannot be recomputed.
 *
 * Keys (RedisKeys): the COMPLETE trials scored by their last step, their values per step (a sorted
 * set, plus a set of the trials whose value there is NaN), and one hash per rung.
 */
export class RedisPruningIndex {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** Indexes a COMPLETE trial's curve: its value at each step, and the trial itself. */
  async recordComplete(studyId: number, trial: FrozenTrial): Promise<void> {
    const pipe = this.redis.pipeline();
    for (const [key, value] of Object.entries(trial.intermediateValues)) {
      const step = Number(key);
      if (Number.isNaN(value)) pipe.sadd(this.keys.completedNanAtStep(studyId, step), trial.number);
      // Infinities are valid scores (sent as "Infinity", read back as "inf").
      else pipe.zadd(this.keys.completedAtStep(studyId, step), value, trial.number);
    }
    pipe.zadd(this.keys.completedTrials(studyId), lastStep(trial) ?? -1, trial.number);
    await this.exec(pipe);
  }

  /** Records the value trial `trialNumber` reached successive-halving rung `rung` with. */
  async recordRung(studyId: number, trialNumber: number, rung: number, value: number): Promise<void> {
    await this.redis.hset(this.keys.rung(studyId, rung), String(trialNumber), String(value));
  }

  /** Everything the pruners read for `step`, in one round trip. */
  async snapshot(studyId: number, step: number): Promise<PruningSnapshot> {
    const completed = this.keys.completedTrials(studyId);
    const pipe = this.redis.pipeline();
    // Scores >= -1 are trials; the empty-study marker has -2.
    pipe.zcount(completed, -1, '+inf');
    pipe.zrange(completed, -1, -1, 'WITHSCORES');
    pipe.zrange(this.keys.completedAtStep(studyId, step), 0, -1, 'WITHSCORES');
    pipe.scard(this.keys.completedNanAtStep(studyId, step));
    for (let k = 0; k < MAX_RUNGS; k++) pipe.hgetall(this.keys.rung(studyId, k));
    const replies = await this.exec(pipe);

    const [, longestScore] = replies[1] as string[];
    const longest = longestScore === undefined ? -1 : parseScore(longestScore);
    const scored = replies[2] as string[];
    const valuesAtStep: number[] = [];
    for (let i = 1; i < scored.length; i += 2) valuesAtStep.push(parseScore(scored[i]));
    for (let n = replies[3] as number; n > 0; n--) valuesAtStep.push(NaN);
    const rungs: Array<Map<number, number>> = [];
    for (let k = 0; k < MAX_RUNGS; k++) {
      const hash = replies[4 + k] as Record<string, string>;
      rungs.push(new Map(Object.entries(hash).map(([n, v]) => [Number(n), Number(v)])));
    }
    return {
      completedTrialCount: replies[0] as number,
      valuesAtStep,
      longestCompletedStep: longest < 0 ? null : longest,
      rungs,
    };
  }

  /** Whether the study's index exists; rebuilt from its COMPLETE trials when it does not. */
  async ensureStudy(studyId: number, history: () => Promise<readonly FrozenTrial[]>): Promise<void> {
    if ((await this.redis.exists(this.keys.completedTrials(studyId))) === 1) return;
    const trials = await history();
    for (const t of trials) {
      if (t.state === 'COMPLETE') await this.recordComplete(studyId, t);
      // Successive halving climbs rungs in order, recording each on the trial.
      for (let k = 0; completedRungKey(k) in t.systemAttrs; k++) {
        const value = t.systemAttrs[completedRungKey(k)];
        if (typeof value === 'number') await this.recordRung(studyId, t.number, k, value);
      }
    }
    // An empty marker (score -2 never names a trial) so that an empty study is not rebuilt every time.
    await this.redis.zadd(this.keys.completedTrials(studyId), -2, '-1');
  }

  private async exec(pipe: ReturnType<RedisClient['pipeline']>): Promise<unknown[]> {
    const replies = (await pipe.exec()) ?? [];
    const fail = replies.find(([e]) => e);
    if (fail) throw fail[0];
    return replies.map(([, result]) => result);
  }
}
