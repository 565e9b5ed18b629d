import type { FrozenTrial, StudyDirection, TrialPage, TrialPageQuery, TrialState } from '@tuneforge/core';
import type { StudyRow } from '../mappers';

/** A trial to insert, already encoded for the database. */
export interface EncodedTrial {
  state: TrialState;
  values: string | null;
  datetimeStart: number | null;
  datetimeComplete: number | null;
  userAttrs: string;
  systemAttrs: string;
  /** [name, internal value, distribution JSON] in suggestion order. */
  params: Array<[string, number, string]>;
  /** [step, value (null = NaN)]. */
  intermediate: Array<[number, number | null]>;
}

/**
 * Why a conditional trial write changed nothing: the trial does not exist (`state` null) or is not
 * in the state the write needs.
 */
export interface WriteRefused {
  readonly refused: true;
  readonly state: TrialState | null;
  readonly number: number | null;
}

export type StudyAttrColumn = 'user_attrs' | 'system_attrs';

/**
 * The SQL of one dialect. TypeOrmStorage validates arguments, maps studies and turns refusals into
 * typed errors; a backend runs statements (each write atomically) and decodes the trials it reads.
 *
 * A trial's lease lives in its columns `heartbeat_at`, `worker_id` and `attempt`, which the lease
 * statements (claimTrial, renewLeases, expireLeases, requeueTrial) condition on; its system attributes
 * `platform:worker` and `platform:attempt` are never stored but added by every read from `worker_id`
 * and `attempt` (see TrialRow). A trial that ends keeps its last worker; a requeued one has none.
 */
export interface StorageBackend {
  /** @returns null when the name is taken. */
  createStudy(
    name: string,
    directions: string,
    userAttrs: string,
    systemAttrs: string,
    now: number,
  ): Promise<StudyRow | null>;
  /** @returns false when no such study. */
  deleteStudy(studyId: number): Promise<boolean>;
  getStudyIdByName(name: string): Promise<number | null>;
  getStudy(studyId: number): Promise<StudyRow | null>;
  listStudies(): Promise<{
    studies: StudyRow[];
    counts: Array<{ study_id: number; state: string; n: number | string }>;
  }>;
  /** @returns false when no such study. */
  setStudyAttr(studyId: number, column: StudyAttrColumn, key: string, value: string): Promise<boolean>;

  /** Inserts trials with the next numbers, in order. @returns null when no such study. */
  createTrials(
    studyId: number,
    trials: EncodedTrial[],
  ): Promise<Array<{ trial_id: number; number: number }> | null>;
  /** Moves the lowest-numbered WAITING trial to RUNNING for exactly one caller. */
  claimWaitingTrial(
    studyId: number,
    now: number,
  ): Promise<{ studyExists: boolean; trial: FrozenTrial | null }>;
  /** WAITING → RUNNING of one given trial under a lease, recording the worker and the attempt (columns). */
  claimTrial(trialId: number, workerId: string, now: number): Promise<FrozenTrial | WriteRefused>;
  setTrialParam(
    trialId: number,
    name: string,
    internal: number,
    distribution: string,
  ): Promise<WriteRefused | null>;
  /** Upserts the value (null = NaN) of `step`. */
  setTrialIntermediateValue(
    trialId: number,
    step: number,
    value: number | null,
  ): Promise<WriteRefused | null>;
  /** Merges `key` into the attributes; a lease attribute is left out of `system_attrs` (see LEASE_ATTRS). */
  setTrialAttr(
    trialId: number,
    column: StudyAttrColumn,
    key: string,
    value: string,
  ): Promise<WriteRefused | null>;
  finishTrial(
    trialId: number,
    state: TrialState,
    values: string | null,
    now: number,
  ): Promise<FrozenTrial | WriteRefused>;
  /** @returns the ids of the trials still RUNNING for the worker, whose lease it renewed. */
  renewLeases(workerId: string, trialIds: readonly number[], now: number): Promise<number[]>;
  /** Lapsed leases of the study: WAITING again below `maxAttempts`, else FAIL; the changed trials. */
  expireLeases(
    studyId: number,
    lapsedBefore: number,
    now: number,
    maxAttempts: number,
    reason: string,
  ): Promise<FrozenTrial[]>;
  /** RUNNING (for `workerId`) → WAITING, `systemAttrs` (a JSON object) merged in. */
  requeueTrial(trialId: number, workerId: string, systemAttrs: string): Promise<FrozenTrial | WriteRefused>;

  getTrial(trialId: number): Promise<FrozenTrial | null>;
  getTrials(
    studyId: number,
    states: readonly TrialState[] | null,
  ): Promise<{ studyExists: boolean; trials: FrozenTrial[] }>;
  getTrialsChangedSince(
    studyId: number,
    cursor: number,
  ): Promise<{ studyExists: boolean; trials: FrozenTrial[]; cursor: number }>;
  /**
   * Reads that a backend answers from indexes (Postgres); the storage reads the whole study instead where
   * a backend has none (see Storage's defaults). Each returns studyExists: false for an unknown study.
   */
  countTrials?(studyId: number): Promise<{ studyExists: boolean; counts: Array<[string, number]> }>;
  getTrialByNumber?(
    studyId: number,
    number: number,
  ): Promise<{ studyExists: boolean; trial: FrozenTrial | null }>;
  getTrialPage?(studyId: number, query: TrialPageQuery): Promise<{ studyExists: boolean; page: TrialPage }>;
  /** The best feasible COMPLETE trial, or null when no COMPLETE trial is feasible. */
  getBestFeasibleTrial?(
    studyId: number,
    direction: StudyDirection,
  ): Promise<{ studyExists: boolean; trial: FrozenTrial | null }>;
  /** Connection errors seen since the backend opened (0 for a file database). */
  connectionFaults(): number;
  /** Releases what the backend opened itself (not the DataSource). */
  close(): Promise<void>;
}

export function refused(state: TrialState | null, number: number | null): WriteRefused {
  return { refused: true, state, number };
}

export function isRefused(v: unknown): v is WriteRefused {
  return typeof v === 'object' && v !== null && (v as WriteRefused).refused === true;
}
