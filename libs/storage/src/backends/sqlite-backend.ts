import { FAIL_REASON_ATTR, isLeaseAttr, type FrozenTrial, type TrialState } from '@tuneforge/core';
import type { Database, Statement } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { SQLITE_BUSY_TIMEOUT_MS } from '../data-source';
import { decodeTrialColumns, type DistributionCache, type StudyRow, type TrialColumnsText } from '../mappers';
import {
  refused,
  type EncodedTrial,
  type StorageBackend,
  type StudyAttrColumn,
  type WriteRefused,
} from './backend';

/**
 * SQLite (better-sqlite3): every write runs synchronously inside `BEGIN IMMEDIATE`, which takes the
 * file's write lock up front (retried on a timer while another process holds it). Writers
 * are therefore serialized across processes, and because the whole transaction runs without yielding
 * to the event loop, concurrent calls of one process never interleave inside it either. Reads run in
 * a deferred transaction, so a trial and its params come from one snapshot (WAL readers never block).
 *
 * With writers serialized, a per-study counter is a sound change cursor: a write sets the trial's
 * `version` to the study's highest version + 1, and a reader's cursor is the highest it saw.
 */

/**
 * Trials selected by `trialFilter` as JSON columns (the same shape as on Postgres, see
 * TrialColumnsText: `worker_id` and `attempt` become lease attributes), with the params and
 * intermediate values selected by `childFilter`, which reads `$CHILD c` and may use the CTE `t` of the
 * selected trials. Parameters are named (`@study`, ...).
 */
const columnsQuery = (trialFilter: string, childFilter: string) => `WITH
  t AS MATERIALIZED (
    SELECT trial_id, number, state, "values", datetime_start, datetime_complete, user_attrs, system_attrs,
      worker_id, attempt
    FROM trials WHERE ${trialFilter} ORDER BY number),
  p AS MATERIALIZED (
    SELECT c.param_id, c.trial_id, c.name, c.internal_value, c.distribution
    FROM ${childFilter.replace(/\$CHILD/g, 'trial_params')}),
  d AS MATERIALIZED (
    SELECT distribution, row_number() OVER () - 1 AS k FROM (SELECT DISTINCT distribution FROM p)),
  iv AS MATERIALIZED (
    SELECT c.trial_id, c.step, c.value FROM ${childFilter.replace(/\$CHILD/g, 'trial_intermediate_values')})
  SELECT
    (SELECT json_array(json_group_array(trial_id), json_group_array(number), json_group_array(state),
       json_group_array("values"), json_group_array(datetime_start), json_group_array(datetime_complete),
       json_group_array(user_attrs), json_group_array(system_attrs), json_group_array(worker_id),
       json_group_array(attempt)) FROM t) AS trials,
    (SELECT json_array(json_group_array(p.param_id), json_group_array(p.trial_id), json_group_array(p.name),
       json_group_array(p.internal_value), json_group_array(d.k)) FROM p JOIN d USING (distribution)) AS params,
    (SELECT json_group_array(distribution) FROM (SELECT distribution FROM d ORDER BY k)) AS dists,
    (SELECT json_array(json_group_array(trial_id), json_group_array(step), json_group_array(value)) FROM iv) AS ivs`;

const STUDY_CHILDREN = '$CHILD c WHERE c.study_id = @study';
const SELECTED_CHILDREN = '$CHILD c WHERE c.trial_id IN (SELECT trial_id FROM t)';

/** The filters trials are read by. */
const READS = {
  byId: columnsQuery('trial_id = @trial', SELECTED_CHILDREN),
  byStudy: columnsQuery('study_id = @study', STUDY_CHILDREN),
  byStudyStates: columnsQuery(
    'study_id = @study AND state IN (SELECT value FROM json_each(@states))',
    SELECTED_CHILDREN,
  ),
  byStudyVersion: columnsQuery('study_id = @study AND version > @cursor', SELECTED_CHILDREN),
} as const;

export class SqliteBackend implements StorageBackend {
  private readonly db: Database;
  private readonly statements = new Map<string, Statement>();
  private readonly tx: { immediate<T>(fn: () => T): Promise<T>; deferred<T>(fn: () => T): Promise<T> };

  constructor(
    dataSource: DataSource,
    private readonly distributions: DistributionCache,
  ) {
    this.db = (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
    // Waits for another process's lock happen in `retrying`, on a timer, not in SQLite's busy
    // handler: that one sleeps 1, 2, 5, 10... ms while blocking the event loop, which starves
    // writers under contention (and would block this process's other connections to the file).
    this.db.pragma('busy_timeout = 0');
    const run = this.db.transaction((fn: () => unknown) => fn());
    this.tx = {
      immediate: <T>(fn: () => T) => this.retrying(() => run.immediate(fn) as T),
      deferred: <T>(fn: () => T) => this.retrying(() => run.deferred(fn) as T),
    };
  }

  /**
   * Runs `fn` (one synchronous statement or transaction), trying again every millisecond or so while
   * another process holds the lock, for up to SQLITE_BUSY_TIMEOUT_MS.
   */
  private async retrying<T>(fn: () => T): Promise<T> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return fn();
      } catch (e) {
        const code = (e as { code?: string }).code ?? '';
        if (!code.startsWith('SQLITE_BUSY') || Date.now() - started > SQLITE_BUSY_TIMEOUT_MS) throw e;
        await new Promise((resolve) => setTimeout(resolve, attempt < 100 ? 1 : 10));
      }
    }
  }

  /** Prepared once per connection. */
  private st(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private get<R>(sql: string, ...params: unknown[]): R | undefined {
    return this.st(sql).get(...params) as R | undefined;
  }

  private all<R>(sql: string, ...params: unknown[]): R[] {
    return this.st(sql).all(...params) as R[];
  }

  private exec(sql: string, ...params: unknown[]): number {
    return this.st(sql).run(...params).changes;
  }

  private studyExists(studyId: number): boolean {
    return this.get('SELECT 1 AS e FROM studies WHERE study_id = ?', studyId) !== undefined;
  }

  /** Highest version of the study's trials + 1: above every cursor handed out so far. */
  private nextVersion(studyId: number): number {
    const row = this.get<{ v: number }>(
      'SELECT coalesce(max(version), 0) + 1 AS v FROM trials WHERE study_id = ?',
      studyId,
    )!;
    return row.v;
  }

  /** The trial, when it exists and is in `state`; else why not. */
  private lockedTrial(trialId: number, state: TrialState): { study_id: number } | WriteRefused {
    const row = this.get<{ study_id: number; state: TrialState; number: number }>(
      'SELECT study_id, state, number FROM trials WHERE trial_id = ?',
      trialId,
    );
    if (!row) return refused(null, null);
    if (row.state !== state) return refused(row.state, row.number);
    return row;
  }

  private touch(trialId: number, studyId: number): void {
    this.exec('UPDATE trials SET version = ? WHERE trial_id = ?', this.nextVersion(studyId), trialId);
  }

  /** Trials matching a filter, with their params and intermediate values, in number order. */
  private readTrials(query: keyof typeof READS, params: Record<string, unknown>): FrozenTrial[] {
    const row = this.st(READS[query]).get(params) as TrialColumnsText;
    return decodeTrialColumns(row, this.distributions);
  }

  private readTrial(trialId: number): FrozenTrial | null {
    return this.readTrials('byId', { trial: trialId })[0] ?? null;
  }

  async createStudy(name: string, directions: string, userAttrs: string, systemAttrs: string, now: number) {
    const row = await this.retrying(() =>
      this.get<StudyRow>(
        `INSERT INTO studies (study_name, directions, user_attrs, system_attrs, created_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (study_name) DO NOTHING
       RETURNING study_id, study_name, directions, user_attrs, system_attrs, created_at`,
        name,
        directions,
        userAttrs,
        systemAttrs,
        now,
      ),
    );
    return row ?? null;
  }

  async deleteStudy(studyId: number) {
    return this.tx.immediate(() => this.exec('DELETE FROM studies WHERE study_id = ?', studyId) > 0);
  }

  async getStudyIdByName(name: string) {
    const row = await this.retrying(() =>
      this.get<{ study_id: number }>('SELECT study_id FROM studies WHERE study_name = ?', name),
    );
    return row?.study_id ?? null;
  }

  async getStudy(studyId: number) {
    const row = await this.retrying(() =>
      this.get<StudyRow>(
        `SELECT study_id, study_name, directions, user_attrs, system_attrs, created_at FROM studies WHERE study_id = ?`,
        studyId,
      ),
    );
    return row ?? null;
  }

  async listStudies() {
    return this.tx.deferred(() => ({
      studies: this.all<StudyRow>(
        'SELECT study_id, study_name, directions, user_attrs, system_attrs, created_at FROM studies ORDER BY study_id',
      ),
      counts: this.all<{ study_id: number; state: string; n: number }>(
        'SELECT study_id, state, count(*) AS n FROM trials GROUP BY study_id, state',
      ),
    }));
  }

  async setStudyAttr(studyId: number, column: StudyAttrColumn, key: string, value: string) {
    return this.tx.immediate(() => {
      const row = this.get<{ attrs: string }>(
        `SELECT ${column} AS attrs FROM studies WHERE study_id = ?`,
        studyId,
      );
      if (!row) return false;
      const attrs = JSON.parse(row.attrs) as Record<string, unknown>;
      attrs[key] = JSON.parse(value);
      this.exec(`UPDATE studies SET ${column} = ? WHERE study_id = ?`, JSON.stringify(attrs), studyId);
      return true;
    });
  }

  async createTrials(studyId: number, trials: EncodedTrial[]) {
    return this.tx.immediate(() => {
      const counter = this.get<{ first: number }>(
        `UPDATE studies SET next_trial_number = next_trial_number + ? WHERE study_id = ?
         RETURNING next_trial_number - ? AS first`,
        trials.length,
        studyId,
        trials.length,
      );
      if (!counter) return null;
      const version = this.nextVersion(studyId);
      return trials.map((t, i) => {
        const number = counter.first + i;
        const { trial_id } = this.get<{ trial_id: number }>(
          `INSERT INTO trials (study_id, number, state, "values", datetime_start, datetime_complete, user_attrs, system_attrs, version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING trial_id`,
          studyId,
          number,
          t.state,
          t.values,
          t.datetimeStart,
          t.datetimeComplete,
          t.userAttrs,
          t.systemAttrs,
          version,
        )!;
        for (const [name, internal, distribution] of t.params) {
          this.exec(
            'INSERT INTO trial_params (trial_id, study_id, name, internal_value, distribution) VALUES (?, ?, ?, ?, ?)',
            trial_id,
            studyId,
            name,
            internal,
            distribution,
          );
        }
        for (const [step, value] of t.intermediate) {
          this.exec(
            'INSERT INTO trial_intermediate_values (trial_id, study_id, step, value) VALUES (?, ?, ?, ?)',
            trial_id,
            studyId,
            step,
            value,
          );
        }
        return { trial_id, number };
      });
    });
  }

  async claimWaitingTrial(studyId: number, now: number) {
    return this.tx.immediate(() => {
      const next = this.get<{ trial_id: number }>(
        `SELECT trial_id FROM trials WHERE study_id = ? AND state = 'WAITING' ORDER BY number LIMIT 1`,
        studyId,
      );
      if (!next) return { studyExists: this.studyExists(studyId), trial: null };
      this.exec(
        `UPDATE trials SET state = 'RUNNING', datetime_start = ?, version = ? WHERE trial_id = ?`,
        now,
        this.nextVersion(studyId),
        next.trial_id,
      );
      return { studyExists: true, trial: this.readTrial(next.trial_id) };
    });
  }

  async claimTrial(trialId: number, workerId: string, now: number) {
    return this.tx.immediate(() => {
      const trial = this.lockedTrial(trialId, 'WAITING');
      if ('refused' in trial) return trial;
      this.exec(
        `UPDATE trials SET state = 'RUNNING', datetime_start = ?, heartbeat_at = ?, worker_id = ?,
           attempt = attempt + 1, version = ? WHERE trial_id = ?`,
        now,
        now,
        workerId,
        this.nextVersion(trial.study_id),
        trialId,
      );
      return this.readTrial(trialId)!;
    });
  }

  async setTrialParam(trialId: number, name: string, internal: number, distribution: string) {
    return this.tx.immediate(() => {
      const trial = this.lockedTrial(trialId, 'RUNNING');
      if ('refused' in trial) return trial;
      this.exec(
        `INSERT INTO trial_params (trial_id, study_id, name, internal_value, distribution) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (trial_id, name) DO UPDATE SET internal_value = excluded.internal_value, distribution = excluded.distribution`,
        trialId,
        trial.study_id,
        name,
        internal,
        distribution,
      );
      this.touch(trialId, trial.study_id);
      return null;
    });
  }

  async setTrialIntermediateValue(trialId: number, step: number, value: number | null) {
    return this.tx.immediate(() => {
      const trial = this.lockedTrial(trialId, 'RUNNING');
      if ('refused' in trial) return trial;
      this.exec(
        `INSERT INTO trial_intermediate_values (trial_id, study_id, step, value) VALUES (?, ?, ?, ?)
         ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value`,
        trialId,
        trial.study_id,
        step,
        value,
      );
      this.touch(trialId, trial.study_id);
      return null;
    });
  }

  async setTrialAttr(trialId: number, column: StudyAttrColumn, key: string, value: string) {
    return this.tx.immediate(() => {
      const trial = this.lockedTrial(trialId, 'RUNNING');
      if ('refused' in trial) return trial;
      // A lease attribute is not stored (it is read from its column, see LEASE_ATTRS).
      if (column === 'system_attrs' && isLeaseAttr(key)) return null;
      const { attrs } = this.get<{ attrs: string }>(
        `SELECT ${column} AS attrs FROM trials WHERE trial_id = ?`,
        trialId,
      )!;
      const parsed = JSON.parse(attrs) as Record<string, unknown>;
      parsed[key] = JSON.parse(value);
      this.exec(
        `UPDATE trials SET ${column} = ?, version = ? WHERE trial_id = ?`,
        JSON.stringify(parsed),
        this.nextVersion(trial.study_id),
        trialId,
      );
      return null;
    });
  }

  async finishTrial(trialId: number, state: TrialState, values: string | null, now: number) {
    return this.tx.immediate(() => {
      const trial = this.lockedTrial(trialId, 'RUNNING');
      if ('refused' in trial) return trial;
      this.exec(
        `UPDATE trials SET state = ?, "values" = ?, datetime_complete = ?, version = ? WHERE trial_id = ?`,
        state,
        values,
        now,
        this.nextVersion(trial.study_id),
        trialId,
      );
      return this.readTrial(trialId)!;
    });
  }

  async renewLeases(workerId: string, trialIds: readonly number[], now: number) {
    if (trialIds.length === 0) return [];
    return this.tx.immediate(() =>
      this.all<{ trial_id: number }>(
        `UPDATE trials SET heartbeat_at = ?
         WHERE trial_id IN (SELECT value FROM json_each(?)) AND state = 'RUNNING' AND worker_id = ?
         RETURNING trial_id`,
        now,
        JSON.stringify(trialIds),
        workerId,
      ).map((r) => r.trial_id),
    );
  }

  async expireLeases(
    studyId: number,
    lapsedBefore: number,
    now: number,
    maxAttempts: number,
    reason: string,
  ) {
    return this.tx.immediate(() => {
      const lapsed = this.all<{ trial_id: number; attempt: number }>(
        `SELECT trial_id, attempt FROM trials
         WHERE study_id = ? AND state = 'RUNNING' AND heartbeat_at < ? ORDER BY number`,
        studyId,
        lapsedBefore,
      );
      if (lapsed.length === 0) return [];
      const version = this.nextVersion(studyId);
      for (const t of lapsed) {
        if (t.attempt < maxAttempts) this.sendBack(t.trial_id, version, '{}');
        else
          this.exec(
            `UPDATE trials SET state = 'FAIL', datetime_complete = ?, heartbeat_at = NULL,
               system_attrs = json_set(system_attrs, '$.${FAIL_REASON_ATTR}', ?), version = ? WHERE trial_id = ?`,
            now,
            reason,
            version,
            t.trial_id,
          );
      }
      return lapsed.map((t) => this.readTrial(t.trial_id)!);
    });
  }

  async requeueTrial(trialId: number, workerId: string, systemAttrs: string) {
    return this.tx.immediate(() => {
      const trial = this.get<{
        study_id: number;
        state: TrialState;
        number: number;
        worker_id: string | null;
      }>('SELECT study_id, state, number, worker_id FROM trials WHERE trial_id = ?', trialId);
      if (!trial) return refused(null, null);
      if (trial.state !== 'RUNNING' || trial.worker_id !== workerId)
        return refused(trial.state, trial.number);
      this.sendBack(trialId, this.nextVersion(trial.study_id), systemAttrs);
      return this.readTrial(trialId)!;
    });
  }

  /** RUNNING → WAITING for another claim, with what the last run left behind cleared (its attempts kept). */
  private sendBack(trialId: number, version: number, systemAttrs: string): void {
    this.exec('DELETE FROM trial_intermediate_values WHERE trial_id = ?', trialId);
    this.exec(
      `UPDATE trials SET state = 'WAITING', datetime_start = NULL, heartbeat_at = NULL, worker_id = NULL,
         system_attrs = json_patch(system_attrs, ?), version = ?
       WHERE trial_id = ?`,
      systemAttrs,
      version,
      trialId,
    );
  }

  connectionFaults(): number {
    return 0;
  }

  async getTrial(trialId: number) {
    return this.tx.deferred(() => this.readTrial(trialId));
  }

  async getTrials(studyId: number, states: readonly TrialState[] | null) {
    return this.tx.deferred(() => {
      const trials = states
        ? this.readTrials('byStudyStates', { study: studyId, states: JSON.stringify(states) })
        : this.readTrials('byStudy', { study: studyId });
      return { studyExists: trials.length > 0 || this.studyExists(studyId), trials };
    });
  }

  async getTrialsChangedSince(studyId: number, cursor: number) {
    return this.tx.deferred(() => {
      const trials = this.readTrials('byStudyVersion', { study: studyId, cursor });
      const top = this.get<{ v: number | null }>(
        'SELECT max(version) AS v FROM trials WHERE study_id = ?',
        studyId,
      )!;
      return {
        studyExists: trials.length > 0 || this.studyExists(studyId),
        trials,
        cursor: Math.max(cursor, top.v ?? 0),
      };
    });
  }

  async close(): Promise<void> {
    this.statements.clear();
  }
}
