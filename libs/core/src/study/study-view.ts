import { InvalidArgumentError } from '../errors';
import type { JsonObject } from '../json';
import type { Storage, TrialChanges } from '../storage/storage';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection, TrialState } from '../trial/trial-state';

/**
 * What samplers and pruners read: the study's history, synchronously, from a cache that the study
 * refreshes (incrementally) before it calls them. They never touch a storage.
 */
export interface StudyView {
  readonly studyId: number;
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  /** The direction of a single-objective study. @throws for multi-objective studies */
  readonly direction: StudyDirection;
  readonly systemAttrs: Readonly<JsonObject>;
  /** Trials in number order, optionally only those in `states`. The arrays must not be mutated. */
  getTrials(states?: readonly TrialState[]): readonly FrozenTrial[];
  /** Asks the study to start no new trial (GridSampler does when its grid is exhausted). */
  stop(): void;
}

/**
 * What a study keeps of its trials: the whole history (TrialHistory), its running trials (RunningTrials), or
 * none, only how many there are (TrialCount).
 */
export interface TrialCache {
  /**
   * Reads what changed in storage (RunningTrials reads nothing). `counts`: the study's trials by state as
   * the caller has just read them (`Storage.countTrials`), which a cache that keeps only the count
   * (TrialCount) takes instead of reading them again; the others ignore them.
   */
  refresh(counts?: Readonly<Record<TrialState, number>>): Promise<void>;
  /** Replaces one trial when its newer snapshot is already at hand (e.g. the result of finishTrial). */
  put(trial: FrozenTrial): void;
  /** How many trials `getTrials()` returns, without building the list. */
  readonly size: number;
  /**
   * The number the study's next trial is planned with (the storage's own may differ when another writer
   * took it meanwhile).
   */
  readonly nextNumber: number;
  /** Trials in number order, optionally only those in `states`. */
  getTrials(states?: readonly TrialState[]): readonly FrozenTrial[];
}

/**
 * A cached history of one study, refreshed from any Storage through `getTrialsChangedSince`, so
 * that a long study is read once and then only its changed rows.
 */
export class TrialHistory implements TrialCache {
  private trials: FrozenTrial[] = [];
  /** Trials held (the array's holes not counted), kept as they come so that it costs no pass over them. */
  private held = 0;
  private cursor = 0;
  private readonly byStates = new Map<string, FrozenTrial[]>();
  private faultsSeen: number;

  constructor(
    private readonly storage: Storage,
    readonly studyId: number,
  ) {
    this.faultsSeen = storage.connectionFaults();
  }

  /**
   * Reads what changed since the last refresh; everything again after the storage's connections broke,
   * since a database that crashed may have lost writes this cache saw (and reuse the versions it gave
   * them), which no cursor can tell.
   */
  async refresh(): Promise<void> {
    const faults = this.storage.connectionFaults();
    if (faults !== this.faultsSeen) {
      const all = await this.storage.getTrialsChangedSince(this.studyId, 0);
      this.faultsSeen = faults;
      this.trials = [];
      this.held = 0;
      this.cursor = 0;
      this.byStates.clear();
      this.apply(all);
      return;
    }
    this.apply(await this.storage.getTrialsChangedSince(this.studyId, this.cursor));
  }

  apply(changes: TrialChanges): void {
    for (const t of changes.trials) this.hold(t);
    if (changes.trials.length > 0) this.byStates.clear();
    this.cursor = Math.max(this.cursor, changes.cursor);
  }

  /** Replaces one trial when its newer snapshot is already at hand (e.g. the result of finishTrial). */
  put(trial: FrozenTrial): void {
    this.hold(trial);
    this.byStates.clear();
  }

  /** How many trials `getTrials()` returns, without building the list. */
  get size(): number {
    return this.held;
  }

  /** The trials held: numbers are dense once every writer's rows are visible. */
  get nextNumber(): number {
    return this.held;
  }

  private hold(trial: FrozenTrial): void {
    if (this.trials[trial.number] === undefined) this.held++;
    this.trials[trial.number] = trial;
  }

  getTrials(states?: readonly TrialState[]): readonly FrozenTrial[] {
    // Numbers can be allocated by other writers before their rows are visible: skip the holes.
    if (!states) return this.cached('*', () => this.trials.filter(Boolean));
    return this.cached(states.join(','), () => this.trials.filter((t) => t && states.includes(t.state)));
  }

  private cached(key: string, build: () => FrozenTrial[]): FrozenTrial[] {
    let list = this.byStates.get(key);
    if (!list) {
      list = build();
      this.byStates.set(key, list);
    }
    return list;
  }
}

/**
 * Only the trials this process is running, for a process that runs trials planned elsewhere and
 * never samples from the history (a platform worker whose parameters the scheduler planned): it
 * reads nothing from storage, and forgets a trial once it is finished, so that its memory does not
 * grow with the study (a whole history is a million trials in some studies).
 */
export class RunningTrials implements TrialCache {
  private readonly trials = new Map<number, FrozenTrial>();
  private sorted: FrozenTrial[] | null = null;
  private highest = -1;

  refresh(): Promise<void> {
    return Promise.resolve();
  }

  put(trial: FrozenTrial): void {
    if (trial.state === 'RUNNING' || trial.state === 'WAITING') this.trials.set(trial.number, trial);
    else this.trials.delete(trial.number);
    this.sorted = null;
    this.highest = Math.max(this.highest, trial.number);
  }

  /** Drops a trial this process will not finish (its run was handed back). */
  forget(number: number): void {
    if (this.trials.delete(number)) this.sorted = null;
  }

  get size(): number {
    return this.trials.size;
  }

  /** After the highest number seen: this cache does not know the trials it never held. */
  get nextNumber(): number {
    return this.highest + 1;
  }

  getTrials(states?: readonly TrialState[]): readonly FrozenTrial[] {
    this.sorted ??= [...this.trials.values()].sort((a, b) => a.number - b.number);
    return states ? this.sorted.filter((t) => states.includes(t.state)) : this.sorted;
  }
}

/**
 * No trial, only how many the study has: for a process that plans trials with a sampler that reads no
 * history (random search on the platform's scheduler), so that it neither reads a long study's history
 * nor keeps it. A refresh reads the study's counts by state; the trials it plans and creates advance the
 * count. Samplers see no trial.
 */
export class TrialCount implements TrialCache {
  private count = 0;

  constructor(
    private readonly storage: Storage,
    readonly studyId: number,
  ) {}

  async refresh(counts?: Readonly<Record<TrialState, number>>): Promise<void> {
    let total = 0;
    for (const n of Object.values(counts ?? (await this.storage.countTrials(this.studyId)))) total += n;
    this.count = total;
  }

  put(trial: FrozenTrial): void {
    this.count = Math.max(this.count, trial.number + 1);
  }

  get size(): number {
    return 0;
  }

  get nextNumber(): number {
    return this.count;
  }

  getTrials(): readonly FrozenTrial[] {
    return [];
  }
}

export function singleDirection(directions: readonly StudyDirection[]): StudyDirection {
  if (directions.length !== 1) {
    throw new InvalidArgumentError(
      `This study has ${directions.length} objectives; use 'directions' (and bestTrials) instead of a single direction.`,
    );
  }
  return directions[0];
}
