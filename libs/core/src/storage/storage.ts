import type { Distribution, ParamValue } from '../distributions';
import type { JsonObject, JsonValue } from '../json';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection, TrialState } from '../trial/trial-state';
import { bestOfTrials, countByState, pageOfTrials, type TrialPage, type TrialPageQuery } from './trial-reads';

export * from './trial-reads';

export interface StudyRecord {
  readonly studyId: number;
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly userAttrs: Readonly<JsonObject>;
  readonly systemAttrs: Readonly<JsonObject>;
  /** Epoch ms. */
  readonly createdAt: number;
}

export interface StudySummary extends StudyRecord {
  /** Trials of the study by state. */
  readonly trialCounts: Readonly<Record<TrialState, number>>;
}

export interface CreateStudyInput {
  studyName: string;
  directions: readonly StudyDirection[];
  userAttrs?: JsonObject;
  systemAttrs?: JsonObject;
}

/**
 * What a new trial starts with. Omitted: a RUNNING trial with nothing set. `WAITING` is an enqueued
 * trial (fixed parameters in `systemAttrs.fixed_params`); a finished state is a trial added whole
 * (`study.addTrial`).
 */
export interface TrialTemplate {
  state?: TrialState;
  values?: readonly number[] | null;
  params?: Readonly<Record<string, ParamValue>>;
  distributions?: Readonly<Record<string, Distribution>>;
  intermediateValues?: Readonly<Record<number, number>>;
  userAttrs?: JsonObject;
  /** Lease attributes (`platform:worker`, `platform:attempt`) are ignored: see LEASE_ATTRS. */
  systemAttrs?: JsonObject;
  datetimeStart?: number | null;
  datetimeComplete?: number | null;
}

/**
 * The system attribute naming the worker that took the trial last (`claimTrial`): present while it
 * runs and after it ended, absent once the trial is requeued.
 */
export const WORKER_ATTR = 'platform:worker';
/** The system attribute numbering a trial's attempts: 1 on its first claim, absent before. */
export const ATTEMPT_ATTR = 'platform:attempt';

/**
 * The system attributes that describe a trial's lease (`WORKER_ATTR`, `ATTEMPT_ATTR`). They are the
 * storage's, not the caller's: a storage keeps the lease in its own fields (the TypeORM storages in
 * the `worker_id` and `attempt` columns that the lease statements condition on) and presents them in
 * every FrozenTrial it returns. Writes of these keys (`setTrialSystemAttr`, a template's or
 * `requeueTrial`'s `systemAttrs`) are ignored rather than refused, so that a writer may write back a
 * trial's attributes as it read them (the worker does after a database fault) without knowing which
 * are derived; the trial still goes through the usual checks (a finished trial refuses them).
 */
export const LEASE_ATTRS: readonly string[] = Object.freeze([WORKER_ATTR, ATTEMPT_ATTR]);

/** Whether `key` is one of the lease attributes a storage keeps itself (see LEASE_ATTRS). */
export function isLeaseAttr(key: string): boolean {
  return key === WORKER_ATTR || key === ATTEMPT_ATTR;
}

/**
 * Adds the lease attributes of a trial to `attrs` (a fresh object of the caller's) and returns it: its
 * last worker unless null, its attempt count once it was claimed.
 */
export function addLeaseAttrs(attrs: JsonObject, workerId: string | null, attempt: number): JsonObject {
  if (workerId !== null) attrs[WORKER_ATTR] = workerId;
  if (attempt > 0) attrs[ATTEMPT_ATTR] = attempt;
  return attrs;
}

/**
 * `attrs` without the lease attributes (see LEASE_ATTRS): `attrs` itself when it has none, which is
 * the usual case.
 */
export function withoutLeaseAttrs<T extends JsonObject>(attrs: T): T {
  if (!(WORKER_ATTR in attrs) && !(ATTEMPT_ATTR in attrs)) return attrs;
  const rest: JsonObject = { ...attrs };
  delete rest[WORKER_ATTR];
  delete rest[ATTEMPT_ATTR];
  return rest as T;
}

/** What `expireLeases` did: trials sent back to WAITING and trials ended FAIL, in number order. */
export interface ExpiredLeases {
  readonly requeued: FrozenTrial[];
  readonly failed: FrozenTrial[];
}

/** A batch of trials that changed after a cursor, and the cursor to pass next time. */
export interface TrialChanges {
  readonly trials: FrozenTrial[];
  readonly cursor: number;
}

/**
 * The storage port. Every implementation (in memory here; TypeORM on Postgres and SQLite in
 * libs/storage) passes the same conformance suite (`describeStorageContract` in testing/).
 *
 * Rules that every implementation keeps:
 * - trial numbers are 0..n-1 per study, each allocated once, whatever the number of writers;
 * - `finishTrial` is one conditional change from RUNNING; a trial that is not RUNNING is never
 *   changed and the caller gets TrialAlreadyFinishedError (param, value and attribute writes to a
 *   finished trial are refused the same way);
 * - `claimWaitingTrial` hands each WAITING trial to exactly one caller;
 * - every change to a trial moves it past the study's current cursor, so that
 *   `getTrialsChangedSince` returns it to readers that keep a cached history.
 *
 * An abstract class rather than an interface so that it is also the Nest DI token.
 */
export abstract class Storage {
  /** A URL-like description for messages, e.g. `memory:` or `sqlite:study.db`. */
  abstract readonly url: string;

  /** @throws DuplicateStudyError when the name exists. */
  abstract createStudy(input: CreateStudyInput): Promise<StudyRecord>;
  /** Deletes a study and all its trials. @throws StudyNotFoundError */
  abstract deleteStudy(studyId: number): Promise<void>;
  /** @throws StudyNotFoundError */
  abstract getStudyIdByName(studyName: string): Promise<number>;
  /** @throws StudyNotFoundError */
  abstract getStudy(studyId: number): Promise<StudyRecord>;
  abstract listStudies(): Promise<StudySummary[]>;
  abstract setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void>;
  abstract setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void>;

  /** Creates a trial with the next number. @throws StudyNotFoundError */
  abstract createTrial(studyId: number, template?: TrialTemplate): Promise<FrozenTrial>;
  /**
   * Creates trials in one write where the storage can (a scheduler's batch), numbers in order.
   * Storages without a bulk path create them one by one. @throws StudyNotFoundError
   */
  async createTrials(studyId: number, templates: readonly TrialTemplate[]): Promise<FrozenTrial[]> {
    const created: FrozenTrial[] = [];
    for (const template of templates) created.push(await this.createTrial(studyId, template));
    return created;
  }
  /**
   * Moves the oldest WAITING trial of the study to RUNNING (setting its start time) and returns it,
   * or null when none waits. Each WAITING trial goes to exactly one caller.
   */
  abstract claimWaitingTrial(studyId: number, now: number): Promise<FrozenTrial | null>;
  /**
   * Moves one given WAITING trial to RUNNING for `workerId` (a platform worker taking its job's trial)
   * under a lease that starts at `now` (see `renewLeases`): exactly one caller succeeds. The trial
   * records the worker and its attempt number (shown as the system attributes `platform:worker` and
   * `platform:attempt`, see LEASE_ATTRS: 1 on its first claim, one more on each claim after a requeue)
   * and `now` as its start, so that a trial's duration is its last attempt's. A trial that ends, by
   * `finishTrial` or a lapsed lease, keeps showing the worker of its last attempt.
   * @throws TrialAlreadyFinishedError when it is not WAITING, TrialNotFoundError
   */
  abstract claimTrial(trialId: number, workerId: string, now: number): Promise<FrozenTrial>;
  /**
   * Renews, at `now`, the leases of the given trials that are still RUNNING for `workerId` (claimed with
   * `claimTrial`, not requeued since). @returns the ids of those trials: a trial missing from it is no
   * longer this worker's to run (its lease lapsed and it went back to WAITING or ended).
   */
  abstract renewLeases(workerId: string, trialIds: readonly number[], now: number): Promise<number[]>;
  /**
   * Ends the leases of the study that lapsed: RUNNING trials claimed with `claimTrial` whose lease was
   * last renewed before `lapsedBefore`. A trial whose attempt is below `maxAttempts` goes back to
   * WAITING for another claim (its parameters kept; its intermediate values, worker and start cleared);
   * the others end FAIL with `failReason`. Each trial changes once, whatever the number of callers.
   * Trials run without a lease (`claimWaitingTrial`, `createTrial`) are never touched.
   */
  abstract expireLeases(
    studyId: number,
    lapsedBefore: number,
    now: number,
    maxAttempts: number,
    failReason: string,
  ): Promise<ExpiredLeases>;
  /**
   * Sends a RUNNING trial of `workerId` back to WAITING, to be run again with the same parameters (a
   * failed run retried): intermediate values, worker and start are cleared (its attempt count is kept),
   * `systemAttrs` merged in (lease attributes ignored, see LEASE_ATTRS).
   * @throws TrialAlreadyFinishedError when it is not RUNNING for this worker, TrialNotFoundError
   */
  abstract requeueTrial(trialId: number, workerId: string, systemAttrs?: JsonObject): Promise<FrozenTrial>;
  /** Sets a parameter (internal value) of a RUNNING trial. @throws TrialAlreadyFinishedError */
  abstract setTrialParam(
    trialId: number,
    name: string,
    internal: number,
    distribution: Distribution,
  ): Promise<void>;
  /** Upserts the intermediate value of `step` of a RUNNING trial. @throws TrialAlreadyFinishedError */
  abstract setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void>;
  abstract setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  /**
   * Sets a system attribute of a RUNNING trial. A lease attribute (`platform:worker`,
   * `platform:attempt`) is the storage's own and its write is ignored, see LEASE_ATTRS.
   * @throws TrialAlreadyFinishedError
   */
  abstract setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  /**
   * Ends a RUNNING trial in one conditional change. @throws TrialAlreadyFinishedError when it is not
   * RUNNING (nothing is changed then).
   */
  abstract finishTrial(
    trialId: number,
    state: 'COMPLETE' | 'PRUNED' | 'FAIL',
    values: readonly number[] | null,
    now: number,
  ): Promise<FrozenTrial>;
  /** @throws TrialNotFoundError */
  abstract getTrial(trialId: number): Promise<FrozenTrial>;
  /** Trials of the study in number order, optionally only those in `states`. */
  abstract getAllTrials(studyId: number, states?: readonly TrialState[]): Promise<FrozenTrial[]>;
  /**
   * Trials created or changed after `cursor` (0 = all), in number order, and the cursor to pass
   * next time. Readers keep a cache and read only the new rows. While other writes are in flight a
   * storage may return a trial again unchanged (never miss one): readers replace trials by number.
   */
  abstract getTrialsChangedSince(studyId: number, cursor: number): Promise<TrialChanges>;
  /**
   * Trials of the study by state (every state present). Storages with many trials keep it without reading
   * them; by default it counts `getAllTrials`. @throws StudyNotFoundError
   */
  async countTrials(studyId: number): Promise<Record<TrialState, number>> {
    return countByState(await this.getAllTrials(studyId));
  }
  /** The trial numbered `number` in the study, or null. @throws StudyNotFoundError */
  async getTrialByNumber(studyId: number, number: number): Promise<FrozenTrial | null> {
    return (await this.getAllTrials(studyId)).find((t) => t.number === number) ?? null;
  }
  /**
   * One page of the study's trials in an order, after a position (keyset paging: each page costs its own
   * size where the storage has indexes for the order) or after an offset. @throws StudyNotFoundError
   */
  async getTrialPage(studyId: number, query: TrialPageQuery): Promise<TrialPage> {
    return pageOfTrials(await this.getAllTrials(studyId), query);
  }
  /**
   * The best COMPLETE trial of a single-objective study (`direction`): the least constraint violation
   * first, then the best first value, then the lowest number; null when none is COMPLETE.
   * @throws StudyNotFoundError
   */
  async getBestTrial(studyId: number, direction: StudyDirection): Promise<FrozenTrial | null> {
    return bestOfTrials(await this.getAllTrials(studyId, ['COMPLETE']), direction);
  }
  /**
   * Times the storage's connections to its database broke so far (0 where that cannot happen). A
   * storage may acknowledge some writes before they are durable (the Postgres storage's asynchronous
   * commits, made durable by the next synchronous one): after such a break, a writer rewrites what it
   * wrote since its last durable write.
   */
  connectionFaults(): number {
    return 0;
  }
  /** Releases connections. Idempotent. */
  abstract close(): Promise<void>;
}
