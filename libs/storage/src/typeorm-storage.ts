import {
  contains,
  describe,
  DuplicateStudyError,
  InvalidArgumentError,
  Storage,
  StudyNotFoundError,
  systemClock,
  toInternal,
  TRIAL_STATES,
  TrialAlreadyFinishedError,
  TrialNotFoundError,
  type Clock,
  type CreateStudyInput,
  type Distribution,
  type FrozenTrial,
  type JsonObject,
  type JsonValue,
  type StudyRecord,
  type StudySummary,
  type StudyDirection,
  type TrialChanges,
  type TrialPage,
  type TrialPageQuery,
  type TrialState,
  type TrialTemplate,
  type ExpiredLeases,
  withoutLeaseAttrs,
} from '@tuneforge/core';
import type { DataSource } from 'typeorm';
import { isRefused, type EncodedTrial, type StorageBackend, type WriteRefused } from './backends/backend';
import { PostgresBackend } from './backends/postgres-backend';
import { SqliteBackend } from './backends/sqlite-backend';
import { dialectOf, type StorageDialect } from './data-source';
import {
  DistributionCache,
  encodeIntermediate,
  encodeJson,
  encodeValues,
  toFrozenTrial,
  toStudyRecord,
} from './mappers';

export interface TypeOrmStorageOptions {
  /** How the storage describes itself in messages (`Storage.url`). @defaultValue derived from the DataSource */
  url?: string;
  /** Destroy the DataSource on `close()` (true when the storage created it). @defaultValue false */
  ownsDataSource?: boolean;
  /** Stamps study creation times and the start of trials created without one. @defaultValue the system clock */
  clock?: Clock;
  /**
   * Postgres reached through a pooler in transaction mode (see StorageTarget): statements are not named
   * (prepared once per connection otherwise) and every commit is synchronous (the asynchronous-commit pool
   * needs a session setting). @defaultValue false
   */
  transactionPooling?: boolean;
}

/** Names and strings the schema holds (varchar(512)). */
const MAX_NAME_LENGTH = 512;
const MAX_WORKER_ID_LENGTH = 255;

/**
 * The storage port on TypeORM, for Postgres (the platform) and SQLite (embedded files). Race-free
 * under any number of processes: see the backends for how each rule of the port is kept.
 * Bind it in Nest with `{ provide: Storage, inject: [DataSource], useFactory: (ds) => new TypeOrmStorage(ds) }`
 * after running `runStorageMigrations(ds)`; the CLI and scripts use `openStorage(url)`.
 */
export class TypeOrmStorage extends Storage {
  readonly url: string;
  readonly dialect: StorageDialect;
  private readonly backend: StorageBackend;
  private readonly distributions = new DistributionCache();
  private readonly clock: Clock;
  private readonly ownsDataSource: boolean;
  private closing: Promise<void> | null = null;

  constructor(
    readonly dataSource: DataSource,
    options: TypeOrmStorageOptions = {},
  ) {
    super();
    if (!dataSource.isInitialized) {
      throw new InvalidArgumentError(
        'TypeOrmStorage needs an initialized DataSource (await dataSource.initialize()).',
      );
    }
    this.dialect = dialectOf(dataSource);
    this.backend =
      this.dialect === 'postgres'
        ? new PostgresBackend(dataSource, this.distributions, options.transactionPooling ?? false)
        : new SqliteBackend(dataSource, this.distributions);
    this.url = options.url ?? describeDataSource(dataSource);
    this.ownsDataSource = options.ownsDataSource ?? false;
    this.clock = options.clock ?? systemClock;
  }

  // ---- studies -------------------------------------------------------------------------------

  async createStudy(input: CreateStudyInput): Promise<StudyRecord> {
    checkName('studyName', input.studyName);
    const row = await this.backend.createStudy(
      input.studyName,
      JSON.stringify(input.directions),
      encodeJson(input.userAttrs ?? {}),
      encodeJson(input.systemAttrs ?? {}),
      this.clock.now(),
    );
    if (!row) throw new DuplicateStudyError(`A study named '${input.studyName}' already exists.`);
    return toStudyRecord(row);
  }

  async deleteStudy(studyId: number): Promise<void> {
    if (!(await this.backend.deleteStudy(studyId))) throw studyNotFound(studyId);
  }

  async getStudyIdByName(studyName: string): Promise<number> {
    const id = await this.backend.getStudyIdByName(studyName);
    if (id === null) throw new StudyNotFoundError(`No study named '${studyName}'.`);
    return id;
  }

  async getStudy(studyId: number): Promise<StudyRecord> {
    const row = await this.backend.getStudy(studyId);
    if (!row) throw studyNotFound(studyId);
    return toStudyRecord(row);
  }

  async listStudies(): Promise<StudySummary[]> {
    const { studies, counts } = await this.backend.listStudies();
    const byStudy = new Map<number, Record<TrialState, number>>();
    for (const s of studies) {
      byStudy.set(
        s.study_id,
        Object.fromEntries(TRIAL_STATES.map((st) => [st, 0])) as Record<TrialState, number>,
      );
    }
    for (const c of counts) {
      const tally = byStudy.get(c.study_id);
      if (tally && c.state in tally) tally[c.state as TrialState] = Number(c.n);
    }
    return studies.map((s) => ({ ...toStudyRecord(s), trialCounts: byStudy.get(s.study_id)! }));
  }

  async setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    if (!(await this.backend.setStudyAttr(studyId, 'user_attrs', key, encodeJson(value)))) {
      throw studyNotFound(studyId);
    }
  }

  async setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    if (!(await this.backend.setStudyAttr(studyId, 'system_attrs', key, encodeJson(value)))) {
      throw studyNotFound(studyId);
    }
  }

  // ---- trials --------------------------------------------------------------------------------

  async createTrial(studyId: number, template: TrialTemplate = {}): Promise<FrozenTrial> {
    const [trial] = await this.createTrials(studyId, [template]);
    return trial;
  }

  /**
   * Creates several trials with consecutive numbers in one atomic write (a scheduler filling a
   * study, an import). @throws StudyNotFoundError
   */
  override async createTrials(studyId: number, templates: readonly TrialTemplate[]): Promise<FrozenTrial[]> {
    if (templates.length === 0) return [];
    const now = this.clock.now();
    const encoded = templates.map((t) => encodeTemplate(t, now));
    const created = await this.backend.createTrials(studyId, encoded);
    if (!created) throw studyNotFound(studyId);
    return created.map(({ trial_id, number }, i) =>
      toFrozenTrial(
        {
          trial_id,
          number,
          state: encoded[i].state,
          values: encoded[i].values,
          datetime_start: encoded[i].datetimeStart,
          datetime_complete: encoded[i].datetimeComplete,
          user_attrs: encoded[i].userAttrs,
          system_attrs: encoded[i].systemAttrs,
          worker_id: null,
          attempt: 0,
          params: encoded[i].params,
          intermediate: encoded[i].intermediate,
        },
        this.distributions,
      ),
    );
  }

  async claimWaitingTrial(studyId: number, now: number): Promise<FrozenTrial | null> {
    const { studyExists, trial } = await this.backend.claimWaitingTrial(studyId, now);
    if (!studyExists) throw studyNotFound(studyId);
    return trial;
  }

  async claimTrial(trialId: number, workerId: string, now: number): Promise<FrozenTrial> {
    checkWorkerId(workerId);
    const result = await this.backend.claimTrial(trialId, workerId, now);
    if (isRefused(result)) throw refusal(trialId, result, 'WAITING');
    return result;
  }

  async renewLeases(workerId: string, trialIds: readonly number[], now: number): Promise<number[]> {
    checkWorkerId(workerId);
    return this.backend.renewLeases(workerId, trialIds, now);
  }

  async expireLeases(
    studyId: number,
    lapsedBefore: number,
    now: number,
    maxAttempts: number,
    failReason: string,
  ): Promise<ExpiredLeases> {
    const changed = await this.backend.expireLeases(studyId, lapsedBefore, now, maxAttempts, failReason);
    return {
      requeued: changed.filter((t) => t.state === 'WAITING'),
      failed: changed.filter((t) => t.state === 'FAIL'),
    };
  }

  async requeueTrial(trialId: number, workerId: string, systemAttrs: JsonObject = {}): Promise<FrozenTrial> {
    checkWorkerId(workerId);
    const result = await this.backend.requeueTrial(
      trialId,
      workerId,
      encodeJson(withoutLeaseAttrs(systemAttrs)),
    );
    if (!isRefused(result)) return result;
    if (result.state === 'RUNNING') {
      throw new TrialAlreadyFinishedError(
        `Trial ${result.number} (id ${trialId}) is RUNNING for another worker than ${workerId}.`,
      );
    }
    throw refusal(trialId, result, 'RUNNING');
  }

  async setTrialParam(
    trialId: number,
    name: string,
    internal: number,
    distribution: Distribution,
  ): Promise<void> {
    checkName('parameter name', name);
    if (!contains(distribution, internal)) {
      throw new InvalidArgumentError(`Value ${internal} of '${name}' is outside ${describe(distribution)}.`);
    }
    const why = await this.backend.setTrialParam(trialId, name, internal, JSON.stringify(distribution));
    if (why) throw refusal(trialId, why);
  }

  async setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    checkStep(step);
    checkNumber('intermediate value', value);
    const why = await this.backend.setTrialIntermediateValue(trialId, step, encodeIntermediate(value));
    if (why) throw refusal(trialId, why);
  }

  async setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const why = await this.backend.setTrialAttr(trialId, 'user_attrs', key, encodeJson(value));
    if (why) throw refusal(trialId, why);
  }

  /** A lease attribute is ignored (the backends leave it out of the stored ones), see LEASE_ATTRS. */
  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const why = await this.backend.setTrialAttr(trialId, 'system_attrs', key, encodeJson(value));
    if (why) throw refusal(trialId, why);
  }

  async finishTrial(
    trialId: number,
    state: 'COMPLETE' | 'PRUNED' | 'FAIL',
    values: readonly number[] | null,
    now: number,
  ): Promise<FrozenTrial> {
    if (state !== 'COMPLETE' && state !== 'PRUNED' && state !== 'FAIL') {
      throw new InvalidArgumentError(
        `A trial finishes COMPLETE, PRUNED or FAIL, not ${JSON.stringify(state)}.`,
      );
    }
    const result = await this.backend.finishTrial(trialId, state, encodeValues(values), now);
    if (isRefused(result)) throw refusal(trialId, result);
    return result;
  }

  override connectionFaults(): number {
    return this.backend.connectionFaults();
  }

  async getTrial(trialId: number): Promise<FrozenTrial> {
    const trial = await this.backend.getTrial(trialId);
    if (!trial) throw new TrialNotFoundError(`No trial with id ${trialId}.`);
    return trial;
  }

  async getAllTrials(studyId: number, states?: readonly TrialState[]): Promise<FrozenTrial[]> {
    const { studyExists, trials } = await this.backend.getTrials(studyId, states ? [...states] : null);
    if (!studyExists) throw studyNotFound(studyId);
    return trials;
  }

  async getTrialsChangedSince(studyId: number, cursor: number): Promise<TrialChanges> {
    if (!Number.isSafeInteger(cursor) || cursor < 0) {
      throw new InvalidArgumentError(
        `A cursor is an integer >= 0 returned by getTrialsChangedSince, got ${cursor}.`,
      );
    }
    const changes = await this.backend.getTrialsChangedSince(studyId, cursor);
    if (!changes.studyExists) throw studyNotFound(studyId);
    return { trials: changes.trials, cursor: changes.cursor };
  }

  override async countTrials(studyId: number): Promise<Record<TrialState, number>> {
    if (!this.backend.countTrials) return super.countTrials(studyId);
    const { studyExists, counts } = await this.backend.countTrials(studyId);
    if (!studyExists) throw studyNotFound(studyId);
    const tally = Object.fromEntries(TRIAL_STATES.map((st) => [st, 0])) as Record<TrialState, number>;
    for (const [state, n] of counts) if (state in tally) tally[state as TrialState] = n;
    return tally;
  }

  override async getTrialByNumber(studyId: number, number: number): Promise<FrozenTrial | null> {
    if (!this.backend.getTrialByNumber) return super.getTrialByNumber(studyId, number);
    const { studyExists, trial } = await this.backend.getTrialByNumber(studyId, number);
    if (!studyExists) throw studyNotFound(studyId);
    return trial;
  }

  override async getTrialPage(studyId: number, query: TrialPageQuery): Promise<TrialPage> {
    if (!this.backend.getTrialPage) return super.getTrialPage(studyId, query);
    const { studyExists, page } = await this.backend.getTrialPage(studyId, query);
    if (!studyExists) throw studyNotFound(studyId);
    return page;
  }

  /** The first feasible trial of a value index walk; when no COMPLETE trial is feasible, the whole ranking. */
  override async getBestTrial(studyId: number, direction: StudyDirection): Promise<FrozenTrial | null> {
    if (!this.backend.getBestFeasibleTrial) return super.getBestTrial(studyId, direction);
    const { studyExists, trial } = await this.backend.getBestFeasibleTrial(studyId, direction);
    if (!studyExists) throw studyNotFound(studyId);
    return trial ?? super.getBestTrial(studyId, direction);
  }

  /** Closes the storage's own connections, and the DataSource when the storage opened it. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.backend.close();
      } finally {
        if (this.ownsDataSource && this.dataSource.isInitialized) await this.dataSource.destroy();
      }
    })();
    return this.closing;
  }
}

function studyNotFound(studyId: number): StudyNotFoundError {
  return new StudyNotFoundError(`No study with id ${studyId}.`);
}

/** The typed error for a conditional trial write that changed nothing. */
function refusal(trialId: number, why: WriteRefused, needed: TrialState = 'RUNNING'): Error {
  if (why.state === null) return new TrialNotFoundError(`No trial with id ${trialId}.`);
  return new TrialAlreadyFinishedError(
    `Trial ${why.number} (id ${trialId}) is ${why.state}, not ${needed}: it cannot be changed.`,
  );
}

function checkName(what: string, name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new InvalidArgumentError(
      `${what} must be a string of 1 to ${MAX_NAME_LENGTH} characters, got ${JSON.stringify(name)?.slice(0, 80)}.`,
    );
  }
}

function checkWorkerId(workerId: string): void {
  if (typeof workerId !== 'string' || workerId.length === 0 || workerId.length > MAX_WORKER_ID_LENGTH) {
    throw new InvalidArgumentError(`workerId must be a string of 1 to ${MAX_WORKER_ID_LENGTH} characters.`);
  }
}

function checkStep(step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new InvalidArgumentError(`A step must be an integer >= 0, got ${step}.`);
  }
}

function checkNumber(what: string, value: number): void {
  if (typeof value !== 'number')
    throw new InvalidArgumentError(`${what} must be a number, got ${JSON.stringify(value)}.`);
}

/** A template as rows: parameters in their internal form, JSON encoded, defaults applied. */
function encodeTemplate(t: TrialTemplate, now: number): EncodedTrial {
  const state = t.state ?? 'RUNNING';
  const params: Array<[string, number, string]> = [];
  for (const [name, value] of Object.entries(t.params ?? {})) {
    const d = t.distributions?.[name];
    if (!d) throw new InvalidArgumentError(`Parameter '${name}' has no distribution.`);
    checkName('parameter name', name);
    params.push([name, toInternal(d, value), JSON.stringify(d)]);
  }
  const intermediate: Array<[number, number | null]> = Object.entries(t.intermediateValues ?? {}).map(
    ([step, v]) => {
      const s = Number(step);
      checkStep(s);
      checkNumber('intermediate value', v);
      return [s, encodeIntermediate(v)];
    },
  );
  return {
    state,
    values: encodeValues(t.values ?? null),
    datetimeStart: t.datetimeStart ?? (state === 'WAITING' ? null : now),
    datetimeComplete: t.datetimeComplete ?? null,
    userAttrs: encodeJson(t.userAttrs ?? {}),
    systemAttrs: encodeJson(withoutLeaseAttrs(t.systemAttrs ?? {})),
    params,
    intermediate,
  };
}

/** `postgres://user:***@host:port/db` or `sqlite:<file>` for a DataSource built elsewhere (e.g. by Nest). */
function describeDataSource(ds: DataSource): string {
  const o = ds.options as {
    type: string;
    url?: string;
    host?: string;
    port?: number;
    username?: string;
    database?: string;
  };
  if (o.type === 'better-sqlite3') return `sqlite:${o.database}`;
  if (o.url) return maskPassword(o.url);
  return `postgres://${o.username ?? ''}@${o.host ?? 'localhost'}:${o.port ?? 5432}/${o.database ?? ''}`;
}

/** The URL with its password replaced by `***`. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
