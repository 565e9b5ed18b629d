import type { PruningSource, StudyDirection } from '@tuneforge/core';
import type { RedisPruningIndex } from './pruning-index';

/**
 * Steps whose values are kept after their refresh. A trial's decision reads its step a few
 * microtask hops after refreshing it, while the refreshes of the process's other running trials may
 * land in between: each keeps its own step, so no decision reads another step's values.
 */
const CACHED_STEPS = 64;

/** How long a decision waits for Redis to come back before it is made on what was read before. */
const DEFAULT_WAIT_MS = 10_000;

/** What RedisPruningHistory does when Redis cannot be reached. */
export interface IndexUnreachable {
  /** How long a read waits for Redis. @defaultValue 10 s */
  readonly waitMs?: number;
  /** Told of each read or write given up (`what`: e.g. "read of step 3"). */
  report?(what: string, error: unknown): void;
}

/**
 * The pruners' history in a platform worker: the figures of the Redis index (RedisPruningIndex),
 * which every worker updates as its trials complete and reach rungs, so that a decision reads one
 * round trip instead of the study's trials. One instance serves every running trial of a study in
 * this process.
 */
export class RedisPruningHistory implements PruningSource {
  private completed = 0;
  private longest: number | null = null;
  private readonly atStep = new Map<number, readonly number[]>();
  private rungs: ReadonlyArray<ReadonlyMap<number, number>> = [];
  /** Rung writes not yet flushed, by trial number; each settles to its error (or null). */
  private readonly writes = new Map<number, Array<Promise<unknown>>>();

  constructor(
    private readonly index: RedisPruningIndex,
    private readonly study: {
      readonly studyId: number;
      readonly studyName: string;
      readonly directions: readonly StudyDirection[];
    },
    private readonly unreachable: IndexUnreachable = {},
  ) {}

  get studyName(): string {
    return this.study.studyName;
  }

  get directions(): readonly StudyDirection[] {
    return this.study.directions;
  }

  /**
   * Reads the figures of `step`. Redis out of reach is waited out for `waitMs`, then the decision is made
   * on the figures read before (none for a step never read: no pruner prunes on nothing): pruning is
   * advice, and a restart of Redis must not fail the trials that report meanwhile.
   */
  async refresh(step: number): Promise<void> {
    const waitMs = this.unreachable.waitMs ?? DEFAULT_WAIT_MS;
    const deadline = Date.now() + waitMs;
    let snapshot: Awaited<ReturnType<RedisPruningIndex['snapshot']>>;
    for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
      try {
        snapshot = await this.index.snapshot(this.study.studyId, step);
        break;
      } catch (e) {
        if (Date.now() + pause > deadline) {
          this.unreachable.report?.(`read of step ${step}`, e);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
    this.completed = snapshot.completedTrialCount;
    this.longest = snapshot.longestCompletedStep;
    this.rungs = snapshot.rungs;
    this.atStep.delete(step);
    this.atStep.set(step, snapshot.valuesAtStep);
    // Maps iterate in insertion order: the first key is the step refreshed longest ago.
    if (this.atStep.size > CACHED_STEPS) this.atStep.delete(this.atStep.keys().next().value!);
  }

  completedTrialCount(): number {
    return this.completed;
  }

  valuesAtStep(step: number): readonly number[] {
    return this.atStep.get(step) ?? [];
  }

  longestCompletedStep(): number | null {
    return this.longest;
  }

  rungValues(rung: number): ReadonlyMap<number, number> {
    return this.rungs[rung] ?? new Map();
  }

  recordRung(trialNumber: number, rung: number, value: number): void {
    // The trial's attribute is JSON, where an infinity is stored as null, which no history counts:
    // count it here neither, so that the index says what the rebuild from the database would.
    if (!Number.isFinite(value)) return;
    // Sent now (the pruner is synchronous); its outcome is collected by the trial's next flush.
    const write = this.index.recordRung(this.study.studyId, trialNumber, rung, value).then(
      () => null,
      (e: unknown) => e,
    );
    const pending = this.writes.get(trialNumber) ?? [];
    pending.push(write);
    this.writes.set(trialNumber, pending);
  }

  /**
   * Waits for the trial's rung writes. One that failed (Redis out of reach) is reported, not thrown: the
   * rung is on the trial in the database too, and the trial goes on.
   */
  async flush(trialNumber: number): Promise<void> {
    const pending = this.writes.get(trialNumber);
    if (!pending) return;
    this.writes.delete(trialNumber);
    const failure = (await Promise.all(pending)).find((e) => e !== null);
    if (failure !== undefined) this.unreachable.report?.(`rung write of trial ${trialNumber}`, failure);
  }
}
