import { systemClock, type Clock } from '../clock';
import { contains, describe, toInternal, type Distribution, type ParamValue } from '../distributions';
import { DirectionsMismatchError, DuplicateStudyError, InvalidArgumentError, TrialPruned } from '../errors';
import { assertJsonAttr, type JsonObject, type JsonValue } from '../json';
import { checkKnownOptions, type OptionNames } from '../options/known-options';
import { MedianPruner } from '../pruners/median-pruner';
import type { Pruner } from '../pruners/pruner';
import type { PruningSource } from '../pruners/pruning-history';
import { StudyPruningHistory } from '../pruners/study-pruning-history';
import { createSampler } from '../factories/sampler-spec';
import type { Sampler, SearchSpace } from '../samplers/sampler';
import { InMemoryStorage } from '../storage/in-memory-storage';
import type { Storage, StudyRecord, TrialTemplate } from '../storage/storage';
import { blankTrial, lastStep, type FrozenTrial } from '../trial/frozen-trial';
import { FAIL_REASON_ATTR, FIXED_PARAMS_ATTR, Trial, type TrialHost } from '../trial/trial';
import { trialContext } from '../trial/trial-context';
import { isStudyDirection, isTrialState, type StudyDirection, type TrialState } from '../trial/trial-state';
import {
  checkConstraintValues,
  CONSTRAINTS_ATTR,
  constrainedParetoFront,
  totalViolation,
  type ConstraintsFunc,
} from '../multi-objective/constraints';
import { Mutex } from './mutex';
import { PlanningTrial } from './planning-trial';
import {
  RunningTrials,
  singleDirection,
  TrialCount,
  TrialHistory,
  type StudyView,
  type TrialCache,
} from './study-view';

export interface CreateStudyOptions {
  /** Unique name in the storage. @defaultValue a generated `study-<uuid>` */
  studyName?: string;
  /** For one objective. @defaultValue 'minimize' */
  direction?: StudyDirection;
  /** For several objectives, one direction each (exclusive with `direction`). */
  directions?: readonly StudyDirection[];
  /**
   * @defaultValue createSampler({ type: 'auto' }), as the CLI and the platform build it: an AutoSampler
   * (GP, TPE or QMC by what the study looks like)
   */
  sampler?: Sampler;
  /** @defaultValue MedianPruner with its defaults */
  pruner?: Pruner;
  /** @defaultValue a new InMemoryStorage */
  storage?: Storage;
  /** When a study of that name exists, continue it instead of failing. @defaultValue false */
  loadIfExists?: boolean;
  /** Stamps trial start and end times and measures optimize's timeout. @defaultValue the system clock */
  clock?: Clock;
  /**
   * Where pruners read the other trials from (a platform worker passes its Redis index).
   * @defaultValue a StudyPruningHistory over the study's trials, refreshed from the storage
   */
  pruningSource?: PruningSource;
  /**
   * Constraints (≤ 0 feasible), computed at tell time on each COMPLETE trial (and PRUNED one with a value) and stored in its
   * `constraints` system attribute, where samplers, `bestTrial`, `bestTrials` and `isFeasible` read them.
   * A function that throws or returns anything but finite numbers ends the trial FAIL with the reason.
   * @defaultValue none: every trial is feasible
   */
  constraintsFunc?: ConstraintsFunc;
}

/** What a study keeps of its trials: see `LoadStudyOptions.keep`. */
export type KeptTrials = 'history' | 'running' | 'none';

export interface LoadStudyOptions {
  studyName: string;
  storage: Storage;
  sampler?: Sampler;
  pruner?: Pruner;
  clock?: Clock;
  pruningSource?: PruningSource;
  /** As in `createStudy`. */
  constraintsFunc?: ConstraintsFunc;
  /**
   * What the study keeps of its trials: its whole history (read when it opens, then what changed), or
   * only the trials this process runs — for a process that runs trials whose parameters were planned
   * elsewhere (a platform worker): it reads no history, its memory does not grow with the study, and
   * samplers asked for a parameter see only those running trials; or none, only how many there are — for a
   * process that plans trials with a sampler that reads no history (`Sampler.readsHistory` false: random
   * search), whose refresh reads the counts, not the trials. @defaultValue 'history'
   */
  keep?: KeptTrials;
}

const CREATE_STUDY_OPTIONS: OptionNames<CreateStudyOptions> = {
  studyName: true,
  direction: true,
  directions: true,
  sampler: true,
  pruner: true,
  storage: true,
  loadIfExists: true,
  clock: true,
  pruningSource: true,
  constraintsFunc: true,
};

const LOAD_STUDY_OPTIONS: OptionNames<LoadStudyOptions> = {
  studyName: true,
  storage: true,
  sampler: true,
  pruner: true,
  clock: true,
  pruningSource: true,
  constraintsFunc: true,
  keep: true,
};

/** What an objective returns: one value, or one per objective. */
export type ObjectiveResult = number | readonly number[];
export type Objective = (trial: Trial) => ObjectiveResult | Promise<ObjectiveResult>;
export type StudyCallback = (study: Study, trial: FrozenTrial) => void | Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;

export interface OptimizeOptions {
  /** Trials to start in this call. @defaultValue unlimited (then `timeoutMs` or `study.stop()` ends it) */
  nTrials?: number;
  /** Start no trial after this many milliseconds. */
  timeoutMs?: number;
  /** Objectives run at once (useful for async objectives). @defaultValue 1 */
  concurrency?: number;
  /** Errors that fail the trial but let the study go on; any other error fails the trial and is rethrown. */
  catch?: readonly ErrorClass[];
  /** Called after each finished trial, in finishing order. */
  callbacks?: readonly StudyCallback[];
}

const OPTIMIZE_OPTIONS: OptionNames<OptimizeOptions> = {
  nTrials: true,
  timeoutMs: true,
  concurrency: true,
  catch: true,
  callbacks: true,
};

/** `tell`'s result argument: a value, one value per objective, or a state without values. */
export type TellResult = number | readonly number[] | 'PRUNED' | 'FAIL';

/** A trial to add whole (e.g. a result obtained elsewhere), as `study.addTrial` takes it. */
export interface TrialInput {
  state?: 'COMPLETE' | 'PRUNED' | 'FAIL';
  value?: number;
  values?: readonly number[];
  params?: Record<string, ParamValue>;
  distributions?: Record<string, Distribution>;
  intermediateValues?: Record<number, number>;
  userAttrs?: JsonObject;
  systemAttrs?: JsonObject;
  datetimeStart?: number;
  datetimeComplete?: number;
}

const DEFAULT_DIRECTION: StudyDirection = 'minimize';

function resolveDirections(options: CreateStudyOptions): StudyDirection[] {
  if (options.direction !== undefined && options.directions !== undefined) {
    throw new InvalidArgumentError("Give either 'direction' or 'directions', not both.");
  }
  const directions = options.directions ?? [options.direction ?? DEFAULT_DIRECTION];
  if (!Array.isArray(directions) || directions.length === 0) {
    throw new InvalidArgumentError("'directions' must be a non-empty array of 'minimize' | 'maximize'.");
  }
  for (const d of directions) {
    if (!isStudyDirection(d)) {
      throw new InvalidArgumentError(
        `A direction must be 'minimize' or 'maximize', got ${JSON.stringify(d)}.`,
      );
    }
  }
  return [...directions];
}

/** What was given in place of a sampler, pruner or storage (lacking `method`), for the message that refuses it. */
function describeGiven(value: unknown, method: string): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (value === null || typeof value !== 'object') return String(value);
  return `an object without ${method}()`;
}

/**
 * Refuses, before anything is stored, parts of the wrong kind (a sampler's name where a sampler
 * belongs, a storage URL where a storage belongs). Whether the sampler can serve the study's directions
 * is its own check (`Sampler.checkDirections`), made once they are known.
 */
function checkStudyParts(parts: { sampler?: unknown; pruner?: unknown; storage?: unknown }): void {
  const lacks = (value: unknown, method: string) =>
    value !== undefined &&
    (value === null ||
      typeof value !== 'object' ||
      typeof (value as Record<string, unknown>)[method] !== 'function');
  if (lacks(parts.sampler, 'sampleIndependent')) {
    throw new InvalidArgumentError(
      `sampler must be a sampler object, e.g. new TpeSampler({ seed: 1 }) or createSampler({ type: 'tpe' }); got ${describeGiven(parts.sampler, 'sampleIndependent')}.`,
    );
  }
  if (lacks(parts.pruner, 'prune')) {
    throw new InvalidArgumentError(
      `pruner must be a pruner object, e.g. new MedianPruner() or createPruner({ type: 'median' }); got ${describeGiven(parts.pruner, 'prune')}.`,
    );
  }
  if (lacks(parts.storage, 'createStudy')) {
    throw new InvalidArgumentError(
      `storage must be a storage object, e.g. await openStorage('sqlite:studies.db'); got ${describeGiven(parts.storage, 'createStudy')}.`,
    );
  }
}

/** Why an objective's return value is not one (`undefined`, a string, …), or null when it is. */
function notAResult(result: unknown): string | null {
  if (typeof result === 'number') return null;
  if (Array.isArray(result) && result.every((v) => typeof v === 'number')) return null;
  const given =
    result === undefined
      ? 'undefined (no return value)'
      : typeof result === 'string'
        ? `the string ${JSON.stringify(result)}`
        : Array.isArray(result)
          ? 'an array that holds something other than numbers'
          : result === null
            ? 'null'
            : typeof result === 'object'
              ? 'an object'
              : `a ${typeof result}`;
  return `The objective returned ${given}; it must return a number, or an array of numbers (one per objective).`;
}

/** Creates a study (or, with `loadIfExists`, continues the one of that name). */
export async function createStudy(options: CreateStudyOptions = {}): Promise<Study> {
  checkKnownOptions('createStudy', options, CREATE_STUDY_OPTIONS);
  const clock = options.clock ?? systemClock;
  const directions = resolveDirections(options);
  checkStudyParts(options);
  options.sampler?.checkDirections?.(directions);
  const storage = options.storage ?? new InMemoryStorage(clock);
  const studyName = options.studyName ?? `study-${globalThis.crypto.randomUUID()}`;
  let record: StudyRecord;
  try {
    record = await storage.createStudy({ studyName, directions });
  } catch (e) {
    if (!(e instanceof DuplicateStudyError)) throw e;
    if (!options.loadIfExists) {
      throw new DuplicateStudyError(
        `A study named '${studyName}' already exists in ${storage.url}; pass loadIfExists: true to continue it.`,
      );
    }
    record = await storage.getStudy(await storage.getStudyIdByName(studyName));
    options.sampler?.checkDirections?.(record.directions);
    const wanted = directions.join(',');
    if (options.direction !== undefined || options.directions !== undefined) {
      if (record.directions.join(',') !== wanted) {
        throw new DirectionsMismatchError(
          `Study '${studyName}' optimizes ${record.directions.join(', ')}, not ${directions.join(', ')}.`,
        );
      }
    }
  }
  return Study.open(record, storage, options, clock);
}

/** Opens an existing study by name. @throws StudyNotFoundError */
export async function loadStudy(options: LoadStudyOptions): Promise<Study> {
  checkKnownOptions('loadStudy', options, LOAD_STUDY_OPTIONS);
  checkStudyParts(options);
  const record = await options.storage.getStudy(await options.storage.getStudyIdByName(options.studyName));
  options.sampler?.checkDirections?.(record.directions);
  return Study.open(record, options.storage, options, options.clock ?? systemClock);
}

/**
 * A study: the history of trials of one objective (or several), plus the sampler that proposes the next
 * parameters and the pruner that stops weak trials. Create one with `createStudy`.
 */
export class Study {
  private readonly history: TrialCache;
  private readonly askLock = new Mutex();
  private stopRequested = false;
  private record: StudyRecord;
  private readonly live = new Map<number, Trial>();
  private readonly host: TrialHost;
  readonly view: StudyView;

  private constructor(
    record: StudyRecord,
    readonly storage: Storage,
    readonly sampler: Sampler,
    readonly pruner: Pruner,
    private readonly clock: Clock,
    pruningSource: PruningSource | undefined,
    private readonly constraintsFunc: ConstraintsFunc | undefined,
    keep: KeptTrials,
  ) {
    this.record = record;
    this.history =
      keep === 'running'
        ? new RunningTrials()
        : keep === 'none'
          ? new TrialCount(storage, record.studyId)
          : new TrialHistory(storage, record.studyId);
    const current = () => this.record;
    this.view = {
      studyId: record.studyId,
      studyName: record.studyName,
      directions: record.directions,
      get direction() {
        return singleDirection(current().directions);
      },
      get systemAttrs() {
        return current().systemAttrs;
      },
      getTrials: (states) => this.history.getTrials(states),
      stop: () => this.stop(),
    };
    const history = this.history;
    const pruning = pruningSource ?? new StudyPruningHistory(this.view, () => history.refresh());
    this.host = { storage, sampler, pruner, view: this.view, history, pruning };
  }

  /** @internal */
  static async open(
    record: StudyRecord,
    storage: Storage,
    parts: {
      sampler?: Sampler;
      pruner?: Pruner;
      pruningSource?: PruningSource;
      constraintsFunc?: ConstraintsFunc;
      keep?: KeptTrials;
    },
    clock: Clock,
  ): Promise<Study> {
    const sampler = parts.sampler ?? createSampler({ type: 'auto' });
    const pruner = parts.pruner ?? new MedianPruner();
    const study = new Study(
      record,
      storage,
      sampler,
      pruner,
      clock,
      parts.pruningSource,
      parts.constraintsFunc,
      parts.keep ?? 'history',
    );
    await study.history.refresh();
    return study;
  }

  get studyId(): number {
    return this.record.studyId;
  }

  get studyName(): string {
    return this.record.studyName;
  }

  get directions(): readonly StudyDirection[] {
    return this.record.directions;
  }

  /** @throws for multi-objective studies */
  get direction(): StudyDirection {
    return singleDirection(this.record.directions);
  }

  get userAttrs(): Readonly<JsonObject> {
    return this.record.userAttrs;
  }

  get systemAttrs(): Readonly<JsonObject> {
    return this.record.systemAttrs;
  }

  /** Trials known to this process, in number order (see `refresh` for studies shared with others). */
  get trials(): readonly FrozenTrial[] {
    return this.history.getTrials();
  }

  /** Trials in `states`, after reading what other writers changed. */
  async getTrials(states?: readonly TrialState[]): Promise<readonly FrozenTrial[]> {
    await this.refresh();
    return this.history.getTrials(states);
  }

  /** Reads what other processes changed since the last read. */
  async refresh(): Promise<void> {
    await this.history.refresh();
    this.record = await this.storage.getStudy(this.record.studyId);
  }

  /**
   * Reads the trials other processes changed since the last read (not the study's attributes). `counts`:
   * the study's trials by state as the caller has just read them (`Storage.countTrials`), so that a study
   * that keeps only its trial count (`keep: 'none'`) does not read them again.
   */
  async refreshTrials(counts?: Readonly<Record<TrialState, number>>): Promise<void> {
    await this.history.refresh(counts);
  }

  /**
   * The best COMPLETE trial of a single-objective study. With constraints, feasible trials come first: the
   * best feasible one, or when none is feasible the one of least total violation (check `isFeasible`).
   * @throws when none is complete
   */
  get bestTrial(): FrozenTrial {
    const direction = this.direction;
    let best: FrozenTrial | null = null;
    let bestViolation = Infinity;
    for (const t of this.history.getTrials(['COMPLETE'])) {
      const v = t.values![0];
      const violation = totalViolation(t);
      const better =
        best === null ||
        violation < bestViolation ||
        (violation === bestViolation &&
          (direction === 'minimize' ? v < best.values![0] : v > best.values![0]));
      if (better) {
        best = t;
        bestViolation = violation;
      }
    }
    if (best === null) {
      throw new InvalidArgumentError(
        `Study '${this.studyName}' has no COMPLETE trial yet, so no best trial.`,
      );
    }
    return best;
  }

  get bestValue(): number {
    return this.bestTrial.values![0];
  }

  get bestParams(): Readonly<Record<string, ParamValue>> {
    return this.bestTrial.params;
  }

  /**
   * The Pareto-optimal COMPLETE trials (for one objective: every trial with the best value). With
   * constraints, feasible trials come first: the front of the feasible trials, or when none is feasible
   * the front of those of least total violation (check `isFeasible`).
   */
  get bestTrials(): FrozenTrial[] {
    return constrainedParetoFront(this.history.getTrials(['COMPLETE']), this.directions);
  }

  async setUserAttr(key: string, value: JsonValue): Promise<void> {
    assertJsonAttr('setUserAttr', key, value);
    await this.storage.setStudyUserAttr(this.studyId, key, value);
    this.record = { ...this.record, userAttrs: { ...this.record.userAttrs, [key]: value } };
  }

  async setSystemAttr(key: string, value: JsonValue): Promise<void> {
    await this.storage.setStudySystemAttr(this.studyId, key, value);
    this.record = { ...this.record, systemAttrs: { ...this.record.systemAttrs, [key]: value } };
  }

  /** Lets running trials finish but starts no new one in `optimize`. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Whether `stop()` was called (by the caller, or by a sampler whose space is exhausted) since the last `optimize`. */
  get stopped(): boolean {
    return this.stopRequested;
  }

  /**
   * Starts a trial: an enqueued one if any waits, else a new one; samples its relative parameters.
   * `fixedDistributions` are suggested at once (the ask-and-tell form of a fixed search space).
   */
  async ask(fixedDistributions: SearchSpace = {}): Promise<Trial> {
    const trial = await this.askLock.run(async () => {
      const frozen =
        (await this.storage.claimWaitingTrial(this.studyId, this.clock.now())) ??
        (await this.storage.createTrial(this.studyId, { state: 'RUNNING', datetimeStart: this.clock.now() }));
      this.history.put(frozen);
      try {
        await this.history.refresh();
        // This process's other running trials, as they are now: their latest suggestions may still be on their
        // way to storage, and the sampler must see where they are (trials in flight, see DESIGN.md).
        for (const running of this.live.values()) this.history.put(running.snapshot());
        const pending: Array<[string, JsonValue]> = [];
        const ctx = trialContext(frozen, pending);
        this.sampler.beforeTrial?.(this.view, ctx);
        const space = this.sampler.inferRelativeSearchSpace(this.view, ctx);
        const relative =
          Object.keys(space).length > 0 ? this.sampler.sampleRelative(this.view, ctx, space) : {};
        const live = new Trial(this.host, { ...frozen, systemAttrs: ctx.systemAttrs }, relative, space);
        for (const [key, value] of pending) live.setSystemAttr(key, value);
        await live.flush();
        return live;
      } catch (error) {
        await this.failUnstarted(frozen, 'the sampler failed', error);
        throw error;
      }
    });
    this.live.set(trial.number, trial);
    try {
      for (const [name, d] of Object.entries(fixedDistributions)) {
        if (d.type === 'categorical') trial.suggestCategorical(name, d.choices);
        else if (d.type === 'int') trial.suggestInt(name, d.low, d.high, { log: d.log, step: d.step });
        else trial.suggestFloat(name, d.low, d.high, { log: d.log, step: d.step });
      }
    } catch (error) {
      this.live.delete(trial.number);
      await this.failUnstarted(trial.snapshot(), 'its fixed distributions were refused', error);
      throw error;
    }
    return trial;
  }

  /**
   * Ends FAIL, with the reason, a trial that `ask` created (or took from the queue) but could not
   * start: left RUNNING it would count as in flight for ever. A failure to store that is not rethrown
   * (the caller gets the error that stopped the ask).
   */
  private async failUnstarted(trial: FrozenTrial, why: string, error: unknown): Promise<void> {
    const reason = `Trial ${trial.number} did not start, ${why}: ${error instanceof Error ? error.message : String(error)}`;
    try {
      await this.storage.setTrialSystemAttr(trial.trialId, FAIL_REASON_ATTR, reason);
      this.history.put(await this.storage.finishTrial(trial.trialId, 'FAIL', null, this.clock.now()));
    } catch {
      // The storage is failing too: the trial stays RUNNING, as any trial of a process cut off from it.
    }
  }

  /**
   * Creates `count` WAITING trials with their relative parameters sampled, for a scheduler that hands
   * them to workers (which claim them and sample the rest define-by-run, see `attachTrial`). When the
   * space is known up front, `plan` suggests every parameter here instead. Each new trial sees the ones
   * before it as pending, so a constant liar spreads them out. The history is read first, unless the
   * caller has just done so (`refreshed`: a scheduler that read it to decide how many to create).
   */
  async createPendingTrials(
    count: number,
    plan?: (trial: PlanningTrial) => void,
    options: { refreshed?: boolean } = {},
  ): Promise<FrozenTrial[]> {
    if (!Number.isInteger(count) || count < 0)
      throw new InvalidArgumentError(`count must be an integer >= 0, got ${count}`);
    return this.askLock.run(async () => {
      if (!options.refreshed) await this.history.refresh();
      const templates: TrialTemplate[] = [];
      // A sampler may stop the study while planning (a grid's last point): plan no trial after that.
      for (let i = 0; i < count && !this.stopRequested; i++) {
        const number = this.history.nextNumber;
        const ctx = trialContext(blankTrial(-1 - i, number, 'WAITING'), []);
        this.sampler.beforeTrial?.(this.view, ctx);
        const space = this.sampler.inferRelativeSearchSpace(this.view, ctx);
        const relative =
          Object.keys(space).length > 0 ? this.sampler.sampleRelative(this.view, ctx, space) : {};
        let params: Record<string, ParamValue> = relative;
        let distributions = Object.fromEntries(Object.keys(relative).map((name) => [name, space[name]]));
        if (plan) {
          const planning = new PlanningTrial(this.sampler, this.view, ctx, relative, space);
          plan(planning);
          params = { ...planning.plannedParams };
          distributions = { ...planning.plannedDistributions };
        }
        const template = {
          state: 'WAITING' as const,
          params,
          distributions,
          systemAttrs: ctx.systemAttrs as JsonObject,
        };
        templates.push(template);
        // Planned but not yet stored: the next plans see it as pending (constant liar, grid points).
        this.history.put({ ...blankTrial(-1 - i, number, 'WAITING'), ...template });
      }
      // One write for the whole batch; then the history reads back the stored rows (numbers are the
      // storage's: another writer may have taken some in between).
      const created = templates.length > 0 ? await this.storage.createTrials(this.studyId, templates) : [];
      for (const trial of created) this.history.put(trial);
      const planned = this.history.nextNumber - created.length;
      if (created.some((t, i) => t.number !== planned + i)) await this.history.refresh();
      return created;
    });
  }

  /**
   * A live handle on a RUNNING trial created elsewhere (a platform worker's claimed trial): its stored
   * parameters answer `suggest*` as they are, and the others are sampled here, define-by-run.
   */
  attachTrial(frozen: FrozenTrial): Trial {
    if (frozen.state !== 'RUNNING') {
      throw new InvalidArgumentError(
        `Trial ${frozen.number} is ${frozen.state}; only a RUNNING trial can be run.`,
      );
    }
    this.history.put(frozen);
    const trial = new Trial(this.host, frozen, frozen.params, frozen.distributions);
    this.live.set(trial.number, trial);
    return trial;
  }

  /**
   * Drops the live handle of an attached trial that this process will not tell: its run was handed back
   * (a platform worker that lost the trial's lease, or sent it back to run again).
   */
  detachTrial(number: number): void {
    this.live.delete(number);
    // A study that keeps only its running trials forgets it here, as no tell will.
    if (this.history instanceof RunningTrials) this.history.forget(number);
  }

  /**
   * Ends a trial: a value (one per objective) makes it COMPLETE, `'PRUNED'` or `'FAIL'` set that state.
   * A NaN value ends it FAIL. @throws TrialAlreadyFinishedError when the trial is not RUNNING
   */
  async tell(
    trialOrNumber: Trial | number,
    result: TellResult,
    options: { failReason?: string } = {},
  ): Promise<FrozenTrial> {
    const number = typeof trialOrNumber === 'number' ? trialOrNumber : trialOrNumber.number;
    const live = typeof trialOrNumber === 'number' ? this.live.get(number) : trialOrNumber;
    let snapshot: FrozenTrial;
    if (live) {
      await live.flush();
      snapshot = live.snapshot();
    } else {
      await this.history.refresh();
      const known = this.history.getTrials().find((t) => t.number === number);
      if (!known) throw new InvalidArgumentError(`Study '${this.studyName}' has no trial number ${number}.`);
      snapshot = known;
    }
    let state: 'COMPLETE' | 'PRUNED' | 'FAIL';
    let values: number[] | null = null;
    let failReason = options.failReason;
    if (result === 'PRUNED' || result === 'FAIL') {
      state = result;
      const step = lastStep(snapshot);
      if (state === 'PRUNED' && step !== null && this.directions.length === 1) {
        values = [snapshot.intermediateValues[step]];
      }
    } else if (typeof result === 'number' || Array.isArray(result)) {
      values = typeof result === 'number' ? [result] : [...(result as readonly number[])];
      state = 'COMPLETE';
      if (values.length !== this.directions.length) {
        state = 'FAIL';
        failReason ??= `The objective returned ${values.length} value(s) but the study has ${this.directions.length} objective(s).`;
        values = null;
      } else if (values.some((v) => typeof v !== 'number' || Number.isNaN(v))) {
        state = 'FAIL';
        failReason ??= `The objective returned ${JSON.stringify(result.toString())}, which is not a number.`;
        values = null;
      }
    } else {
      throw new InvalidArgumentError(
        `tell: result must be a number, an array of numbers, 'PRUNED' or 'FAIL', got ${JSON.stringify(result)}.`,
      );
    }
    let constraints: number[] | null = null;
    // A PRUNED trial without values (nothing reported, or several objectives) has nothing to constrain.
    if (this.constraintsFunc && (state === 'COMPLETE' || (state === 'PRUNED' && values !== null))) {
      try {
        constraints = checkConstraintValues(this.constraintsFunc({ ...snapshot, state, values }));
        snapshot = { ...snapshot, systemAttrs: { ...snapshot.systemAttrs, [CONSTRAINTS_ATTR]: constraints } };
      } catch (error) {
        state = 'FAIL';
        values = null;
        failReason = `constraintsFunc failed on trial ${number}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    this.sampler.afterTrial?.(this.view, snapshot, state, values);
    if (failReason !== undefined)
      await this.storage.setTrialSystemAttr(snapshot.trialId, FAIL_REASON_ATTR, failReason);
    if (constraints !== null)
      await this.storage.setTrialSystemAttr(snapshot.trialId, CONSTRAINTS_ATTR, constraints);
    const finished = await this.storage.finishTrial(snapshot.trialId, state, values, this.clock.now());
    this.live.delete(number);
    this.history.put(finished);
    return finished;
  }

  /** Enqueues a trial whose parameters are fixed; the next `ask` (of any process) takes it first. */
  async enqueueTrial(
    params: Record<string, ParamValue>,
    options: { userAttrs?: JsonObject; skipIfExists?: boolean } = {},
  ): Promise<void> {
    if (!params || typeof params !== 'object')
      throw new InvalidArgumentError('enqueueTrial: params must be an object.');
    if (options.skipIfExists) {
      await this.history.refresh();
      const same = (a: Record<string, unknown>) =>
        Object.keys(a).length === Object.keys(params).length &&
        Object.entries(params).every(([k, v]) => a[k] === v);
      for (const t of this.history.getTrials()) {
        const fixed = t.systemAttrs[FIXED_PARAMS_ATTR] as Record<string, unknown> | undefined;
        if (same(t.state === 'WAITING' && fixed ? fixed : t.params)) return;
      }
    }
    const created = await this.storage.createTrial(this.studyId, {
      state: 'WAITING',
      userAttrs: options.userAttrs ?? {},
      systemAttrs: { [FIXED_PARAMS_ATTR]: params as JsonObject },
    });
    this.history.put(created);
  }

  /** Adds a finished trial whole (e.g. a result measured elsewhere); it is validated first. */
  async addTrial(input: TrialInput): Promise<FrozenTrial> {
    const state = input.state ?? 'COMPLETE';
    if (!isTrialState(state) || !['COMPLETE', 'PRUNED', 'FAIL'].includes(state)) {
      throw new InvalidArgumentError(
        `addTrial: state must be COMPLETE, PRUNED or FAIL, got ${JSON.stringify(state)}.`,
      );
    }
    if (input.value !== undefined && input.values !== undefined) {
      throw new InvalidArgumentError("addTrial: give either 'value' or 'values', not both.");
    }
    const values = input.values ?? (input.value !== undefined ? [input.value] : null);
    if (state === 'COMPLETE') {
      if (
        !values ||
        values.length !== this.directions.length ||
        values.some((v) => typeof v !== 'number' || Number.isNaN(v))
      ) {
        throw new InvalidArgumentError(
          `addTrial: a COMPLETE trial needs ${this.directions.length} numeric value(s), got ${JSON.stringify(values)}.`,
        );
      }
    }
    const params = input.params ?? {};
    const distributions = input.distributions ?? {};
    for (const [name, value] of Object.entries(params)) {
      const d = distributions[name];
      if (!d) throw new InvalidArgumentError(`addTrial: parameter '${name}' has no distribution.`);
      if (!contains(d, toInternal(d, value))) {
        throw new InvalidArgumentError(
          `addTrial: value ${JSON.stringify(value)} of '${name}' is outside ${describe(d)}.`,
        );
      }
    }
    const now = this.clock.now();
    const created = await this.storage.createTrial(this.studyId, {
      state,
      values,
      params,
      distributions,
      intermediateValues: input.intermediateValues ?? {},
      userAttrs: input.userAttrs ?? {},
      systemAttrs: input.systemAttrs ?? {},
      datetimeStart: input.datetimeStart ?? now,
      datetimeComplete: input.datetimeComplete ?? now,
    });
    this.history.put(created);
    return created;
  }

  /**
   * Runs the objective on new trials until `nTrials` were started, `timeoutMs` passed, or `stop()` was
   * called. A thrown `TrialPruned` ends the trial PRUNED; any other error ends it FAIL with its message
   * and is rethrown (after the running trials end) unless its class is listed in `catch`.
   */
  async optimize(objective: Objective, options: OptimizeOptions = {}): Promise<void> {
    checkKnownOptions('optimize', options, OPTIMIZE_OPTIONS);
    const { nTrials, timeoutMs, concurrency = 1, callbacks = [] } = options;
    const catchable = options.catch ?? [];
    if (nTrials !== undefined && (!Number.isInteger(nTrials) || nTrials < 0)) {
      throw new InvalidArgumentError(`nTrials must be an integer >= 0, got ${nTrials}`);
    }
    if (timeoutMs !== undefined && !(timeoutMs >= 0)) {
      throw new InvalidArgumentError(`timeoutMs must be a number >= 0, got ${timeoutMs}`);
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InvalidArgumentError(`concurrency must be an integer >= 1, got ${concurrency}`);
    }
    this.stopRequested = false;
    const started = this.clock.now();
    let launched = 0;
    let fatal: { error: unknown } | null = null;

    const mayStart = () =>
      !this.stopRequested &&
      fatal === null &&
      (nTrials === undefined || launched < nTrials) &&
      (timeoutMs === undefined || this.clock.now() - started < timeoutMs);

    const runOne = async () => {
      const trial = await this.ask();
      let finished: FrozenTrial;
      try {
        const result = await objective(trial);
        const wrong = notAResult(result);
        // As a NaN does: the trial fails, the study goes on (a forgotten `return` is the usual cause).
        finished = wrong
          ? await this.tell(trial, 'FAIL', { failReason: wrong })
          : await this.tell(trial, result);
      } catch (error) {
        if (error instanceof TrialPruned) {
          finished = await this.tell(trial, 'PRUNED');
        } else {
          const message = error instanceof Error ? error.message : String(error);
          finished = await this.tell(trial, 'FAIL', { failReason: message });
          if (!catchable.some((cls) => error instanceof cls)) fatal ??= { error };
        }
      }
      for (const cb of callbacks) await cb(this, finished);
    };

    const runner = async () => {
      while (mayStart()) {
        launched++;
        await runOne();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, runner));
    this.stopRequested = false;
    if (fatal) throw (fatal as { error: unknown }).error;
  }
}
