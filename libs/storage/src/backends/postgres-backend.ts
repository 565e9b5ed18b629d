import {
  ATTEMPT_ATTR,
  CONSTRAINTS_ATTR,
  FAIL_REASON_ATTR,
  WORKER_ATTR,
  type FrozenTrial,
  type StudyDirection,
  type TrialOrder,
  type TrialPage,
  type TrialPageQuery,
  type TrialPosition,
  type TrialState,
} from '@tuneforge/core';
import { FIRST_VALUE_SQL } from '../migrations/postgres/1796900000000-big-study-reads';
import {
  FINISHED_STATES_SQL,
  STATEMENTS_COUNT_FINISHES,
} from '../migrations/postgres/1797000000000-finishes-counted-by-their-statement';
import { Pool, type PoolClient, type PoolConfig, type QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { isTransientDatabaseError } from '../transient-errors';
import { GroupedWrites } from './grouped-writes';
import {
  decodeTrialColumns,
  toFrozenTrial,
  type DistributionCache,
  type StudyRow,
  type TrialColumnsText,
  type TrialRow,
} from '../mappers';
import {
  refused,
  type EncodedTrial,
  type StorageBackend,
  type StudyAttrColumn,
  type WriteRefused,
} from './backend';

/**
 * Postgres: every operation is ONE statement (autocommit), so no transaction spans round trips and
 * concurrent writers only ever wait for each other inside a single statement.
 *
 * - Trial numbers: the study row's `next_trial_number` is bumped by the same statement that inserts
 *   the trials; the row lock serializes creators of one study, so numbers are dense and unique.
 * - Conditional writes (`WHERE state = 'RUNNING'`): a concurrent finisher takes the row lock first
 *   and the loser's WHERE is re-evaluated on the committed row (READ COMMITTED), so it changes nothing.
 * - WAITING claims: `FOR UPDATE SKIP LOCKED` hands each row to one claimer without blocking the others.
 * - Grouped claims and finishes: a process's claims (and its finishes) made while the previous one is on
 *   its way go out as one `UPDATE … FROM unnest(…)` (GroupedWrites), in which each row keeps its own
 *   condition: the rules above hold row by row, and the group commits once.
 * - Durability: a trial's result is durable when `finishTrial` returns (synchronous commit). The
 *   writes that lead up to it (creating a RUNNING trial, claiming one, its params, intermediate
 *   values, attributes, heartbeats) commit asynchronously, on a second pool whose sessions set
 *   `synchronous_commit = off`: they are visible to every reader at once and become durable with the
 *   next synchronous commit, which flushes the WAL in order. A server crash can thus forget only
 *   trials that had not finished, and their numbers with them (the counter is forgotten too), so
 *   numbers stay dense. Without this, every trial creation would hold the study row's lock for a
 *   disk flush, and trials/s per study would be capped by the disk's fsync rate.
 * - Change cursor: `version` is the writing transaction's id (`pg_current_xact_id()`). Transaction ids
 *   are not committed in order, so a reader's next cursor is just below the oldest transaction of
 *   this database still in progress in its snapshot: a trial written by a transaction that commits
 *   later has a version above that cursor, and is read next time.
 * - Bulk reads return a study's trials as JSON columns built by the server (see TrialColumnsText).
 */

/** The writing transaction's id: above every cursor handed out before this transaction started. */
const XID = 'pg_current_xact_id()::text::bigint';

/**
 * Columns of a TrialRow, read from the trials alias `t` (with its params and intermediate values):
 * for statements that return one or a few trials (RETURNING of a claim or a finish). `worker_id` and
 * `attempt` become the lease attributes of the trial's system attributes (see TrialRow).
 */
const trialColumns = (t: string) => `${t}.trial_id, ${t}.number, ${t}.state, ${t}."values",
  ${t}.datetime_start, ${t}.datetime_complete, ${t}.user_attrs, ${t}.system_attrs, ${t}.worker_id, ${t}.attempt,
  (SELECT json_agg(json_build_array(p.name, p.internal_value, p.distribution) ORDER BY p.param_id)
     FROM trial_params p WHERE p.trial_id = ${t}.trial_id) AS params,
  (SELECT json_agg(json_build_array(iv.step, iv.value) ORDER BY iv.step)
     FROM trial_intermediate_values iv WHERE iv.trial_id = ${t}.trial_id) AS intermediate`;

/**
 * The next cursor for a reader: one below the oldest transaction in progress in this statement's
 * snapshot, ignoring transactions of other databases (they never write our rows); one below the
 * snapshot's xmax when none is.
 */
const NEXT_CURSOR = `(SELECT coalesce(min(x::text::bigint), pg_snapshot_xmax(pg_current_snapshot())::text::bigint) - 1
   FROM pg_snapshot_xip(pg_current_snapshot()) AS x
   WHERE x::xid NOT IN (SELECT a.backend_xid FROM pg_stat_activity a
                        WHERE a.backend_xid IS NOT NULL AND a.datname IS DISTINCT FROM current_database()))`;

const STUDY_COLUMNS = 'study_id, study_name, directions, user_attrs, system_attrs, created_at';

/**
 * Counts the trials that the statement's CTE `rel` moved into a finished state (every row of `rel` left
 * another state), one upsert per study and state on this server process's counter row, as the trigger of
 * BigStudyReads1796900000000 would row by row; only in sessions with STATEMENTS_COUNT_FINISHES on, where
 * that trigger leaves them to the statement (migration FinishesCountedByTheirStatement1797000000000).
 */
const countFinishes = (rel: string) => `counted AS (
      INSERT INTO trial_state_counts AS c (study_id, state, shard, n)
      SELECT ${rel}.study_id, ${rel}.state, pg_backend_pid(), count(*) FROM ${rel}
      WHERE ${rel}.state IN (${FINISHED_STATES_SQL})
        AND current_setting('${STATEMENTS_COUNT_FINISHES}', true) = 'on'
      GROUP BY ${rel}.study_id, ${rel}.state
      ON CONFLICT (study_id, state, shard) DO UPDATE SET n = c.n + EXCLUDED.n)`;

/**
 * A bulk read is two statements run at once on two connections that share one snapshot (exported by
 * the first): the trial columns with their intermediate values and the reader's next cursor, and the
 * params with each distinct distribution once. Both return JSON columns built by the server (see
 * TrialColumnsText). `trialFilter` selects trials; `childFilter` selects rows of `$CHILD c` (params
 * or intermediate values) and may use the CTE `t` of the selected trials.
 */
const trialPartQuery = (trialFilter: string, childFilter: string) => `WITH
  t AS MATERIALIZED (
    SELECT trial_id, number, state, "values", datetime_start, datetime_complete, user_attrs, system_attrs,
      worker_id, attempt
    FROM trials WHERE ${trialFilter} ORDER BY number),
  iv AS MATERIALIZED (
    SELECT c.trial_id, c.step, c.value FROM ${childFilter.replace(/\$CHILD/g, 'trial_intermediate_values')})
  SELECT
    (SELECT json_build_array(json_agg(trial_id), json_agg(number), json_agg(state), json_agg("values"),
       json_agg(datetime_start), json_agg(datetime_complete), json_agg(user_attrs), json_agg(system_attrs),
       json_agg(worker_id), json_agg(attempt))
     FROM t)::text AS trials,
    (SELECT json_build_array(json_agg(trial_id), json_agg(step), json_agg(value)) FROM iv)::text AS ivs,
    EXISTS (SELECT 1 FROM studies WHERE study_id = $1) AS study_exists,
    ${NEXT_CURSOR} AS cursor`;

const paramPartQuery = (trialFilter: string, childFilter: string) => `WITH
  t AS MATERIALIZED (SELECT trial_id FROM trials WHERE ${trialFilter}),
  p AS MATERIALIZED (
    SELECT c.param_id, c.trial_id, c.name, c.internal_value, c.distribution
    FROM ${childFilter.replace(/\$CHILD/g, 'trial_params')}),
  d AS MATERIALIZED (
    SELECT distribution, (row_number() OVER ())::int - 1 AS k FROM (SELECT DISTINCT distribution FROM p) AS x)
  SELECT
    (SELECT json_build_array(json_agg(p.param_id), json_agg(p.trial_id), json_agg(p.name), json_agg(p.internal_value),
       json_agg(d.k)) FROM p JOIN d USING (distribution))::text AS params,
    (SELECT json_agg(distribution ORDER BY k) FROM d)::text AS dists`;

/** Children of a whole study: one index range on study_id. */
const STUDY_CHILDREN = '$CHILD c WHERE c.study_id = $1';
/** Children of the selected trials of one study (a subset, e.g. by state). */
const SELECTED_CHILDREN = '$CHILD c WHERE c.study_id = $1 AND c.trial_id IN (SELECT trial_id FROM t)';

const BULK = {
  all: {
    trials: trialPartQuery('study_id = $1', STUDY_CHILDREN),
    params: paramPartQuery('study_id = $1', STUDY_CHILDREN),
  },
  in: {
    trials: trialPartQuery('study_id = $1 AND state = ANY($2)', SELECTED_CHILDREN),
    params: paramPartQuery('study_id = $1 AND state = ANY($2)', SELECTED_CHILDREN),
  },
} as const;

/** What `pg_export_snapshot()` returns, checked before it is written into a statement. */
const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/i;

/**
 * Counter rows a study may gather before a count folds them into one per state. Each server process that
 * finishes a study's trials adds its own row (the shard is its pid), and pools close idle connections
 * (pg's after 10 s): a worker whose finishes come further apart than that adds a new row for nearly every
 * finish, and the study's counts would grow back into a pass over its history.
 */
const MAX_COUNTER_ROWS = 32;

/** The backend's statements (exported for the test of their plans, typeorm-storage.int-spec.ts). */
export const SQL = {
  createStudy: `INSERT INTO studies (study_name, directions, user_attrs, system_attrs, created_at)
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT (study_name) DO NOTHING RETURNING ${STUDY_COLUMNS}`,
  deleteStudy: 'DELETE FROM studies WHERE study_id = $1 RETURNING study_id',
  studyIdByName: 'SELECT study_id FROM studies WHERE study_name = $1',
  getStudy: `SELECT ${STUDY_COLUMNS} FROM studies WHERE study_id = $1`,
  listStudies: `SELECT ${STUDY_COLUMNS} FROM studies ORDER BY study_id`,
  /**
   * Finished trials from the counters (migration BigStudyReads1796900000000, a few rows per study; kept by
   * the statements that finish trials, see countFinishes, and by triggers for other writers), the trials in
   * flight (WAITING, RUNNING) from ix_trials_study_state_number.
   */
  countTrials: `SELECT study_id, state, sum(n) AS n FROM trial_state_counts GROUP BY study_id, state
    UNION ALL
    SELECT s.study_id, f.state, f.n FROM studies s CROSS JOIN LATERAL (
      SELECT t.state, count(*) AS n FROM trials t
      WHERE t.study_id = s.study_id AND t.state IN ('WAITING', 'RUNNING') GROUP BY t.state) AS f`,
  countStudyTrials: `SELECT c.state, c.n, c.counter_rows FROM studies s
    LEFT JOIN LATERAL (
      SELECT state, sum(n)::bigint AS n, count(*) AS counter_rows FROM trial_state_counts
      WHERE study_id = s.study_id GROUP BY state
      UNION ALL
      SELECT t.state, count(*), 0 FROM trials t
      WHERE t.study_id = s.study_id AND t.state IN ('WAITING', 'RUNNING') GROUP BY t.state) AS c
    ON true WHERE s.study_id = $1`,
  /**
   * Folds a study's counter rows into its shard-0 rows, in one statement (readers see the sums before or
   * after, never between). Rows a writer holds are skipped (SKIP LOCKED) and folded another time, so that a
   * fold waits for no finish; the shard-0 rows are written in state order, so that two folds cannot
   * deadlock. A writer whose row was just folded inserts a new one.
   */
  foldCounters: `WITH folded AS (
      DELETE FROM trial_state_counts c USING (
        SELECT state, shard FROM trial_state_counts WHERE study_id = $1 AND shard <> 0 FOR UPDATE SKIP LOCKED
      ) AS l
      WHERE c.study_id = $1 AND c.state = l.state AND c.shard = l.shard
      RETURNING c.state, c.n)
    INSERT INTO trial_state_counts AS t (study_id, state, shard, n)
    SELECT $1, state, 0, sum(n) FROM folded GROUP BY state ORDER BY state
    ON CONFLICT (study_id, state, shard) DO UPDATE SET n = t.n + EXCLUDED.n`,
  trialByNumber: `SELECT ${trialColumns('t')} FROM trials t WHERE t.study_id = $1 AND t.number = $2`,
  setStudyAttr: (column: StudyAttrColumn) =>
    `UPDATE studies SET ${column} = (${column}::jsonb || jsonb_build_object($2::text, $3::jsonb))::text
       WHERE study_id = $1 RETURNING study_id`,

  /** The common case of `ask`: one trial, nothing but its state, start time and attributes. */
  createOneTrial: `WITH n AS (
      UPDATE studies SET next_trial_number = next_trial_number + 1
      WHERE study_id = $1 RETURNING next_trial_number - 1 AS number)
    INSERT INTO trials (study_id, number, state, "values", datetime_start, datetime_complete, user_attrs, system_attrs, version)
    SELECT $1, n.number, $2, $3, $4, $5, $6, $7, ${XID} FROM n
    RETURNING trial_id, number`,
  /** Any number of trials with params and intermediate values, still one statement. */
  createTrials: `WITH n AS (
      UPDATE studies SET next_trial_number = next_trial_number + $2
      WHERE study_id = $1 RETURNING next_trial_number - $2 AS first),
    t AS (
      INSERT INTO trials (study_id, number, state, "values", datetime_start, datetime_complete, user_attrs, system_attrs, version)
      SELECT $1, n.first + x.i, x.state, x."values", x.datetime_start, x.datetime_complete, x.user_attrs, x.system_attrs, ${XID}
      FROM n, jsonb_to_recordset($3::jsonb) AS x(i int, state text, "values" text, datetime_start bigint,
        datetime_complete bigint, user_attrs text, system_attrs text)
      ORDER BY x.i
      RETURNING trial_id, number),
    p AS (
      INSERT INTO trial_params (trial_id, study_id, name, internal_value, distribution)
      SELECT t.trial_id, $1, y.name, y.internal_value, y.distribution
      FROM n, jsonb_to_recordset($4::jsonb) AS y(i int, k int, name text, internal_value float8, distribution text)
      JOIN t ON true WHERE t.number = n.first + y.i
      ORDER BY y.i, y.k),
    iv AS (
      INSERT INTO trial_intermediate_values (trial_id, study_id, step, value)
      SELECT t.trial_id, $1, z.step, z.value::float8
      FROM n, jsonb_to_recordset($5::jsonb) AS z(i int, step bigint, value text)
      JOIN t ON true WHERE t.number = n.first + z.i)
    SELECT trial_id, number FROM t ORDER BY number`,
  studyExists: 'SELECT EXISTS (SELECT 1 FROM studies WHERE study_id = $1) AS e',

  claimWaiting: `WITH c AS (
      UPDATE trials SET state = 'RUNNING', datetime_start = $2, version = ${XID}
      WHERE state = 'WAITING' AND trial_id = (
        SELECT trial_id FROM trials WHERE study_id = $1 AND state = 'WAITING'
        ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING *)
    SELECT EXISTS (SELECT 1 FROM studies WHERE study_id = $1) AS study_exists, c.trial_id AS claimed_id, ${trialColumns('c')}
    FROM (SELECT 1) AS one LEFT JOIN c ON true`,
  /** Claims of several trials at once ($1 trial ids, $2 worker ids, $3 times), each on its own condition. */
  claimTrials: `WITH x AS (
      SELECT * FROM unnest($1::int[], $2::varchar[], $3::bigint[]) AS x(trial_id, worker_id, now)),
    c AS (
      UPDATE trials t SET state = 'RUNNING', datetime_start = x.now, heartbeat_at = x.now, worker_id = x.worker_id,
        attempt = t.attempt + 1, version = ${XID}
      FROM x WHERE t.trial_id = x.trial_id AND t.state = 'WAITING' RETURNING t.*)
    SELECT ${trialColumns('c')} FROM c`,
  setParam: `WITH t AS (
      UPDATE trials SET version = ${XID} WHERE trial_id = $1 AND state = 'RUNNING' RETURNING trial_id, study_id)
    INSERT INTO trial_params (trial_id, study_id, name, internal_value, distribution)
    SELECT trial_id, study_id, $2, $3, $4 FROM t
    ON CONFLICT (trial_id, name) DO UPDATE SET internal_value = EXCLUDED.internal_value, distribution = EXCLUDED.distribution
    RETURNING trial_id`,
  setIntermediate: `WITH t AS (
      UPDATE trials SET version = ${XID} WHERE trial_id = $1 AND state = 'RUNNING' RETURNING trial_id, study_id)
    INSERT INTO trial_intermediate_values (trial_id, study_id, step, value) SELECT trial_id, study_id, $2, $3::float8 FROM t
    ON CONFLICT (trial_id, step) DO UPDATE SET value = EXCLUDED.value
    RETURNING trial_id`,
  /** A lease attribute is not stored (it is read from its column): its write leaves system_attrs as it is. */
  setTrialAttr: (column: StudyAttrColumn) =>
    `UPDATE trials SET ${column} = ${
      column === 'system_attrs'
        ? `CASE WHEN $2::text IN ('${WORKER_ATTR}', '${ATTEMPT_ATTR}') THEN ${column}
             ELSE (${column}::jsonb || jsonb_build_object($2::text, $3::jsonb))::text END`
        : `(${column}::jsonb || jsonb_build_object($2::text, $3::jsonb))::text`
    }, version = ${XID}
     WHERE trial_id = $1 AND state = 'RUNNING' RETURNING trial_id`,
  /** Finishes of several trials at once ($1 trial ids, $2 states, $3 values, $4 times), each on its own condition. */
  finishTrials: `WITH x AS (
      SELECT * FROM unnest($1::int[], $2::varchar[], $3::text[], $4::bigint[]) AS x(trial_id, state, "values", now)),
    u AS (
      UPDATE trials t SET state = x.state, "values" = x."values", datetime_complete = x.now, version = ${XID}
      FROM x WHERE t.trial_id = x.trial_id AND t.state = 'RUNNING' RETURNING t.*),
    ${countFinishes('u')}
    SELECT ${trialColumns('u')} FROM u`,
  renewLeases: `UPDATE trials SET heartbeat_at = $3
    WHERE trial_id = ANY($2::int[]) AND state = 'RUNNING' AND worker_id = $1 RETURNING trial_id`,
  /**
   * $4: max attempts. A lapsed trial below it goes back to WAITING (its intermediate values and worker
   * cleared), else FAIL (its last worker kept).
   */
  expireLeases: `WITH lapsed AS (
      SELECT trial_id, attempt < $4::int AS again FROM trials
      WHERE study_id = $1 AND state = 'RUNNING' AND heartbeat_at < $2::bigint FOR UPDATE SKIP LOCKED),
    cleared AS (DELETE FROM trial_intermediate_values v USING lapsed l WHERE v.trial_id = l.trial_id AND l.again),
    u AS (
      UPDATE trials t SET
        state = CASE WHEN l.again THEN 'WAITING' ELSE 'FAIL' END,
        datetime_start = CASE WHEN l.again THEN NULL ELSE t.datetime_start END,
        datetime_complete = CASE WHEN l.again THEN NULL ELSE $3::bigint END,
        heartbeat_at = NULL, worker_id = CASE WHEN l.again THEN NULL ELSE t.worker_id END, version = ${XID},
        system_attrs = CASE WHEN l.again THEN t.system_attrs
          ELSE (t.system_attrs::jsonb || jsonb_build_object('${FAIL_REASON_ATTR}', $5::text))::text END
      FROM lapsed l WHERE t.trial_id = l.trial_id RETURNING t.*),
    ${countFinishes('u')}
    SELECT ${trialColumns('u')} FROM u ORDER BY u.number`,
  requeue: `WITH u AS (
      UPDATE trials SET state = 'WAITING', datetime_start = NULL, heartbeat_at = NULL, worker_id = NULL,
        version = ${XID}, system_attrs = (system_attrs::jsonb || $3::jsonb)::text
      WHERE trial_id = $1 AND state = 'RUNNING' AND worker_id = $2 RETURNING *),
    cleared AS (DELETE FROM trial_intermediate_values v USING u WHERE v.trial_id = u.trial_id)
    SELECT ${trialColumns('u')} FROM u`,
  trialState: 'SELECT state, number FROM trials WHERE trial_id = $1',
  getTrial: `SELECT ${trialColumns('t')} FROM trials t WHERE t.trial_id = $1`,
  /** Cursor > 0: usually a handful of trials, cheaper as rows (one index lookup per trial for its params). */
  changedSince: `SELECT meta.study_exists, meta.cursor, ch.*
    FROM (SELECT EXISTS (SELECT 1 FROM studies WHERE study_id = $1) AS study_exists, ${NEXT_CURSOR} AS cursor) AS meta
    LEFT JOIN LATERAL (
      SELECT ${trialColumns('t')} FROM trials t WHERE t.study_id = $1 AND t.version > $2) AS ch ON true
    ORDER BY ch.number`,
} as const;

/** The first value of the trials alias `t`, spelt as the value indexes are (see FIRST_VALUE_SQL). */
const V = FIRST_VALUE_SQL.replace('"values"', 't."values"');

/**
 * A trial satisfies its constraints: none stored, or every one a number <= 0 (as core's isFeasible). The
 * text test first skips the JSON parse for the trials of a study without constraints.
 */
const FEASIBLE = `(strpos(t.system_attrs, '"${CONSTRAINTS_ATTR}"') = 0
  OR jsonb_typeof(t.system_attrs::jsonb -> '${CONSTRAINTS_ATTR}') IS DISTINCT FROM 'array'
  OR NOT EXISTS (SELECT 1 FROM jsonb_array_elements(t.system_attrs::jsonb -> '${CONSTRAINTS_ATTR}') AS c
                 WHERE jsonb_typeof(c) <> 'number' OR c::text::float8 > 0))`;

/** A COMPLETE trial with a number for a value that satisfies its constraints: what `best` may return. */
const QUALIFIES = `t.state = 'COMPLETE' AND ${V} <> 'NaN' AND ${FEASIBLE}`;

/** The order of the value index walk: ascending for minimize, on -value for maximize (number breaks ties upwards). */
const bestKey = (direction: StudyDirection) => (direction === 'minimize' ? V : `(-${V})`);

/**
 * Best feasible COMPLETE trial: the first feasible entry of a value index walk. NaN values are left out, as
 * core's ranking never prefers them.
 */
const bestFeasibleQuery = (direction: StudyDirection) => `SELECT ${trialColumns('t')} FROM trials t
    WHERE t.study_id = $1 AND t."values" IS NOT NULL AND ${QUALIFIES}
    ORDER BY ${bestKey(direction)}, t.number LIMIT 1`;

/**
 * The first entry of the value index walk, and whether it qualifies (it does unless that trial is
 * infeasible, its value NaN, or it is not COMPLETE): without a filter, the first entry is read from
 * the index whatever the planner believes of the study's size. With one, a planner without statistics on
 * `trials` (a new database before autovacuum has analyzed it, or a study that grew fast since) expects
 * few rows and sorts every COMPLETE trial of the study instead: 130 ms at 100 000 trials.
 */
export const bestFirstEntryQuery = (
  direction: StudyDirection,
) => `SELECT ${trialColumns('t')}, (${QUALIFIES}) AS qualifies
    FROM (SELECT t.trial_id FROM trials t WHERE t.study_id = $1 AND t."values" IS NOT NULL
          ORDER BY ${bestKey(direction)}, t.number LIMIT 1) AS first
    JOIN trials t ON t.trial_id = first.trial_id`;

/**
 * One part of a page of trials, in index order (see the migration BigStudyReads1796900000000):
 * - `number` / `-number`: the study's number range (within a state: ix_trials_study_state_number);
 * - `value` / `-value`: the trials with a value on ix_trials_study_value (_desc: ordered on -value, so that
 *   number breaks ties upwards in both orders), then `tail`: those without one, in number order.
 * $1 study, $2 limit, $3 offset, $4 state (when `byState`), then the position after which to start: the
 * number ($5), and in the value part the value ($6).
 */
function pageQuery(order: TrialOrder, part: 'values' | 'tail', byState: boolean, after: boolean): string {
  const where = ['t.study_id = $1'];
  if (byState) where.push('t.state = $4');
  let key = 't.number';
  let down = false;
  if (order === 'number' || order === '-number') {
    down = order === '-number';
    if (after) where.push(`t.number ${down ? '<' : '>'} $5`);
  } else if (part === 'tail') {
    where.push('t."values" IS NULL');
    if (after) where.push('t.number > $5');
  } else {
    where.push('t."values" IS NOT NULL');
    key = order === 'value' ? V : `(-${V})`;
    const position = order === 'value' ? '$6::float8' : '(-$6::float8)';
    if (after) where.push(`(${key}, t.number) > (${position}, $5)`);
  }
  const direction = down ? ' DESC' : '';
  const [inner, outer] =
    key === 't.number'
      ? [`t.number${direction}`, `page.number${direction}`]
      : [`${key}, t.number`, 'page.k, page.number'];
  // The page's trials are chosen from the index alone (an offset skips index entries), then read whole.
  return `SELECT ${trialColumns('t')} FROM (
      SELECT t.trial_id, ${key} AS k, t.number FROM trials t WHERE ${where.join(' AND ')}
      ORDER BY ${inner} LIMIT $2 OFFSET $3) AS page
    JOIN trials t ON t.trial_id = page.trial_id
    ORDER BY ${outer}`;
}

/**
 * A requeued trial as it is after its statement: the statement deletes its intermediate values, which
 * the statement's own snapshot still shows.
 */
function withoutStaleIntermediates(row: TrialRow): TrialRow {
  return row.state === 'WAITING' ? { ...row, intermediate: null } : row;
}

/** The connection settings TypeORM's pool was built from (see PostgresDriver.createPool). */
interface PostgresOptions {
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string | (() => string | Promise<string>);
  database?: string;
  ssl?: PoolConfig['ssl'];
  applicationName?: string;
  connectTimeoutMS?: number;
  poolSize?: number;
  extra?: PoolConfig;
}

interface ClaimWrite {
  readonly trialId: number;
  readonly workerId: string;
  readonly now: number;
}

interface FinishWrite {
  readonly trialId: number;
  readonly state: TrialState;
  readonly values: string | null;
  readonly now: number;
}

/**
 * Runs the storage's statements on the pg pool of an initialized TypeORM DataSource, plus a pool of
 * its own with asynchronous commits for the writes that a later synchronous commit makes durable.
 */
export class PostgresBackend implements StorageBackend {
  private readonly pool: Pool;
  private readonly asyncPool: Pool;
  /** Connection errors seen so far (see connectionFaults). */
  private faults = 0;
  /** A worker's concurrent claims, one statement per group (asynchronous commit, as one claim). */
  private readonly claims = this.grouped<ClaimWrite>('claim_trials', SQL.claimTrials, 'async', [
    (w) => w.trialId,
    (w) => w.workerId,
    (w) => w.now,
  ]);
  /** Concurrent finishes, one statement and one synchronous commit per group. */
  private readonly finishes = this.grouped<FinishWrite>('finish_trials', SQL.finishTrials, 'sync', [
    (w) => w.trialId,
    (w) => w.state,
    (w) => w.values,
    (w) => w.now,
  ]);

  /**
   * @param transactionPooling the server is reached through a pooler in transaction mode: no named
   * statements (a prepared statement lives in one server session) and no `synchronous_commit = off`
   * session setting, so the second pool commits synchronously too.
   */
  constructor(
    dataSource: DataSource,
    private readonly distributions: DistributionCache,
    private readonly transactionPooling = false,
  ) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
    const o = dataSource.options as PostgresOptions;
    const extra = o.extra ?? {};
    const asyncOptions = transactionPooling
      ? extra.options
      : `${extra.options ?? ''} -c synchronous_commit=off`.trim();
    this.asyncPool = new Pool({
      connectionString: o.url,
      host: o.host,
      port: o.port,
      user: o.username,
      password: o.password,
      database: o.database,
      ssl: o.ssl,
      application_name: o.applicationName,
      connectionTimeoutMillis: o.connectTimeoutMS,
      max: o.poolSize,
      ...extra,
      ...(asyncOptions ? { options: asyncOptions } : {}),
    });
    // An idle connection that breaks (server restart) is dropped; the next query opens another.
    for (const pool of [this.pool, this.asyncPool]) pool.on('error', () => this.faults++);
    // A connection that breaks while a query is under way emits 'error' twice (the socket's error, then
    // its end), and pg-pool listens once: the second, unheard, would crash the process. The query
    // itself fails with the error either way.
    // (On acquire, so that the connection TypeORM opened before this backend existed is covered too.)
    const heard = new WeakSet<PoolClient>();
    for (const pool of [this.pool, this.asyncPool]) {
      pool.on('acquire', (client) => {
        if (heard.has(client)) return;
        heard.add(client);
        client.on('error', () => this.faults++);
      });
    }
  }

  /**
   * Connection errors seen since the backend opened: a write acknowledged on the asynchronous-commit pool
   * before such an error may have been lost if the server crashed (see the class comment), so a writer
   * that sees this count change rewrites what it has not yet made durable.
   */
  connectionFaults(): number {
    return this.faults;
  }

  private counted<T>(query: Promise<T>): Promise<T> {
    return query.catch((e: unknown) => {
      if (isTransientDatabaseError(e)) this.faults++;
      throw e;
    });
  }

  /**
   * A statement as pg sends it: named statements are prepared once per connection; behind a transaction
   * pooler the next transaction may run on another server connection, so none is named there.
   */
  private statement(name: string, text: string, values: unknown[]) {
    return this.transactionPooling ? { text, values } : { name: `tf_${name}`, text, values };
  }

  /**
   * Per-trial writes of one kind grouped into one statement (GroupedWrites), whose parameters are one array
   * per column; sent in trial id order, so that two processes' groups that share trials (a trial's job run
   * twice at once) lock them in one order.
   */
  private grouped<W extends { trialId: number }>(
    name: string,
    text: string,
    commit: 'sync' | 'async',
    columns: ReadonlyArray<(w: W) => unknown>,
  ): GroupedWrites<W, TrialRow> {
    return new GroupedWrites<W, TrialRow>(
      (w) => w.trialId,
      async (group) => {
        const ws = [...group].sort((a, b) => a.trialId - b.trialId);
        const values = columns.map((column) => ws.map(column));
        const rows =
          commit === 'sync'
            ? await this.run<TrialRow>(name, text, values)
            : await this.runAsync<TrialRow>(name, text, values);
        return new Map(rows.map((r) => [Number(r.trial_id), r]));
      },
    );
  }

  private async run<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    const result = await this.counted(this.pool.query<R>(this.statement(name, text, values)));
    return result.rows;
  }

  /** For writes that a later synchronous commit makes durable (see the class comment). */
  private async runAsync<R extends QueryResultRow>(
    name: string,
    text: string,
    values: unknown[],
  ): Promise<R[]> {
    const result = await this.counted(this.asyncPool.query<R>(this.statement(name, text, values)));
    return result.rows;
  }

  private frozen(row: TrialRow): FrozenTrial {
    return toFrozenTrial(row, this.distributions);
  }

  private async whyRefused(trialId: number): Promise<WriteRefused> {
    const [row] = await this.run<{ state: TrialState; number: number }>('trial_state', SQL.trialState, [
      trialId,
    ]);
    return row ? refused(row.state, row.number) : refused(null, null);
  }

  private async studyExists(studyId: number): Promise<boolean> {
    const [row] = await this.run<{ e: boolean }>('study_exists', SQL.studyExists, [studyId]);
    return row.e;
  }

  async close(): Promise<void> {
    await this.asyncPool.end();
  }

  async createStudy(name: string, directions: string, userAttrs: string, systemAttrs: string, now: number) {
    const [row] = await this.run<StudyRow>('create_study', SQL.createStudy, [
      name,
      directions,
      userAttrs,
      systemAttrs,
      now,
    ]);
    return row ?? null;
  }

  async deleteStudy(studyId: number) {
    return (await this.run('delete_study', SQL.deleteStudy, [studyId])).length > 0;
  }

  async getStudyIdByName(name: string) {
    const [row] = await this.run<{ study_id: number }>('study_id_by_name', SQL.studyIdByName, [name]);
    return row ? row.study_id : null;
  }

  async getStudy(studyId: number) {
    const [row] = await this.run<StudyRow>('get_study', SQL.getStudy, [studyId]);
    return row ?? null;
  }

  async listStudies() {
    const studies = await this.run<StudyRow>('list_studies', SQL.listStudies, []);
    const counts = await this.run<{ study_id: number; state: string; n: string }>(
      'count_trials',
      SQL.countTrials,
      [],
    );
    return { studies, counts };
  }

  async setStudyAttr(studyId: number, column: StudyAttrColumn, key: string, value: string) {
    const rows = await this.run(`set_study_${column}`, SQL.setStudyAttr(column), [studyId, key, value]);
    return rows.length > 0;
  }

  async createTrials(studyId: number, trials: EncodedTrial[]) {
    type Created = { trial_id: number; number: number };
    let rows: Created[];
    const [only] = trials;
    if (trials.length === 1 && only.params.length === 0 && only.intermediate.length === 0) {
      // A new RUNNING trial (ask's path) commits asynchronously; WAITING and finished ones are durable at once.
      const exec = only.state === 'RUNNING' ? this.runAsync.bind(this) : this.run.bind(this);
      rows = await exec<Created>('create_one_trial', SQL.createOneTrial, [
        studyId,
        only.state,
        only.values,
        only.datetimeStart,
        only.datetimeComplete,
        only.userAttrs,
        only.systemAttrs,
      ]);
    } else {
      const rowsJson = trials.map((t, i) => ({
        i,
        state: t.state,
        values: t.values,
        datetime_start: t.datetimeStart,
        datetime_complete: t.datetimeComplete,
        user_attrs: t.userAttrs,
        system_attrs: t.systemAttrs,
      }));
      const params = trials.flatMap((t, i) =>
        t.params.map(([name, internal_value, distribution], k) => ({
          i,
          k,
          name,
          internal_value,
          distribution,
        })),
      );
      const intermediate = trials.flatMap((t, i) =>
        t.intermediate.map(([step, value]) => ({ i, step, value: value === null ? null : String(value) })),
      );
      rows = await this.run<Created>('create_trials', SQL.createTrials, [
        studyId,
        trials.length,
        JSON.stringify(rowsJson),
        JSON.stringify(params),
        JSON.stringify(intermediate),
      ]);
    }
    if (rows.length === 0 && !(await this.studyExists(studyId))) return null;
    return rows;
  }

  async claimWaitingTrial(studyId: number, now: number) {
    const [row] = await this.runAsync<TrialRow & { study_exists: boolean; claimed_id: number | null }>(
      'claim_waiting',
      SQL.claimWaiting,
      [studyId, now],
    );
    return { studyExists: row.study_exists, trial: row.claimed_id === null ? null : this.frozen(row) };
  }

  async claimTrial(trialId: number, workerId: string, now: number) {
    const row = await this.claims.write({ trialId, workerId, now });
    return row ? this.frozen(row) : this.whyRefused(trialId);
  }

  async setTrialParam(trialId: number, name: string, internal: number, distribution: string) {
    const rows = await this.runAsync('set_param', SQL.setParam, [trialId, name, internal, distribution]);
    return rows.length > 0 ? null : this.whyRefused(trialId);
  }

  async setTrialIntermediateValue(trialId: number, step: number, value: number | null) {
    const rows = await this.runAsync('set_intermediate', SQL.setIntermediate, [trialId, step, value]);
    return rows.length > 0 ? null : this.whyRefused(trialId);
  }

  async setTrialAttr(trialId: number, column: StudyAttrColumn, key: string, value: string) {
    const rows = await this.runAsync(`set_trial_${column}`, SQL.setTrialAttr(column), [trialId, key, value]);
    return rows.length > 0 ? null : this.whyRefused(trialId);
  }

  async finishTrial(trialId: number, state: TrialState, values: string | null, now: number) {
    const row = await this.finishes.write({ trialId, state, values, now });
    return row ? this.frozen(row) : this.whyRefused(trialId);
  }

  async renewLeases(workerId: string, trialIds: readonly number[], now: number) {
    const rows = await this.runAsync<{ trial_id: number }>('renew_leases', SQL.renewLeases, [
      workerId,
      trialIds,
      now,
    ]);
    return rows.map((r) => r.trial_id);
  }

  async expireLeases(
    studyId: number,
    lapsedBefore: number,
    now: number,
    maxAttempts: number,
    reason: string,
  ) {
    const rows = await this.run<TrialRow>('expire_leases', SQL.expireLeases, [
      studyId,
      lapsedBefore,
      now,
      maxAttempts,
      reason,
    ]);
    return rows.map((r) => this.frozen(withoutStaleIntermediates(r)));
  }

  async requeueTrial(trialId: number, workerId: string, systemAttrs: string) {
    const [row] = await this.run<TrialRow>('requeue', SQL.requeue, [trialId, workerId, systemAttrs]);
    return row ? this.frozen(withoutStaleIntermediates(row)) : this.whyRefused(trialId);
  }

  async getTrial(trialId: number) {
    const [row] = await this.run<TrialRow>('get_trial', SQL.getTrial, [trialId]);
    return row ? this.frozen(row) : null;
  }

  async getTrials(studyId: number, states: readonly TrialState[] | null) {
    const read = states
      ? await this.bulkRead('in', [studyId, states])
      : await this.bulkRead('all', [studyId]);
    return { studyExists: read.studyExists, trials: read.trials };
  }

  async getTrialsChangedSince(studyId: number, cursor: number) {
    // Cursor 0 is the whole study: a bulk read.
    if (cursor === 0) return this.bulkRead('all', [studyId]);
    type Meta = { study_exists: boolean; cursor: string };
    const rows = await this.run<TrialRow & Meta>('changed_since', SQL.changedSince, [studyId, cursor]);
    const trials = rows[0].trial_id === null ? [] : rows.map((r) => this.frozen(r));
    return { studyExists: rows[0].study_exists, trials, cursor: Math.max(cursor, Number(rows[0].cursor)) };
  }

  async countTrials(studyId: number) {
    const rows = await this.run<{ state: string | null; n: string | null; counter_rows: string | null }>(
      'count_study_trials',
      SQL.countStudyTrials,
      [studyId],
    );
    const counts: Array<[string, number]> = [];
    let counterRows = 0;
    for (const r of rows) {
      if (r.state === null) continue;
      counts.push([r.state, Number(r.n)]);
      counterRows += Number(r.counter_rows);
    }
    if (counterRows > MAX_COUNTER_ROWS) {
      // The counts above are exact either way: a fold that fails (the database going away) is retried by a
      // later count.
      await this.runAsync('fold_counters', SQL.foldCounters, [studyId]).catch(() => undefined);
    }
    return { studyExists: rows.length > 0, counts };
  }

  async getTrialByNumber(studyId: number, number: number) {
    const [row] = await this.run<TrialRow>('trial_by_number', SQL.trialByNumber, [studyId, number]);
    if (row) return { studyExists: true, trial: this.frozen(row) };
    return { studyExists: await this.studyExists(studyId), trial: null };
  }

  async getBestFeasibleTrial(studyId: number, direction: StudyDirection) {
    const [first] = await this.run<TrialRow & { qualifies: boolean }>(
      `best_first_${direction}`,
      bestFirstEntryQuery(direction),
      [studyId],
    );
    if (first?.qualifies) return { studyExists: true, trial: this.frozen(first) };
    // The best entry does not qualify (or the study has no value): walk on, filtering.
    const [row] = await this.run<TrialRow>(`best_${direction}`, bestFeasibleQuery(direction), [studyId]);
    if (row) return { studyExists: true, trial: this.frozen(row) };
    return { studyExists: await this.studyExists(studyId), trial: null };
  }

  /**
   * A page in index order, one more trial read than asked to know whether another page follows. A value
   * order reads its tail (trials without a value) once the valued trials run out; an offset that passes
   * them is carried into the tail by counting them.
   */
  async getTrialPage(studyId: number, query: TrialPageQuery) {
    const { order, after, limit } = query;
    const byState = query.state !== undefined;
    const read = async (part: 'values' | 'tail', from: TrialPosition | null, n: number, offset: number) => {
      const valuePart = part === 'values' && order !== 'number' && order !== '-number';
      const values: unknown[] = [studyId, n, offset, query.state ?? null];
      if (from) values.push(from.number);
      if (from && valuePart) values.push(from.value);
      const name = `page_${order}_${part}${byState ? '_s' : ''}${from ? '_a' : ''}`;
      let text = pageQuery(order, part, byState, from !== null);
      // Parameters a variant does not use are left out of its text: declare them so that they still bind.
      if (!byState)
        text = text.replace('WHERE t.study_id = $1', 'WHERE t.study_id = $1 AND $4::text IS NULL');
      const rows = await this.run<TrialRow>(name, text, values);
      return rows.map((r) => this.frozen(r));
    };
    const positionOf = (t: FrozenTrial): TrialPosition =>
      order === 'number' || order === '-number'
        ? { number: t.number }
        : { number: t.number, value: t.values && t.values.length > 0 ? t.values[0] : null };
    const offset = after ? 0 : (query.offset ?? 0);
    let trials: FrozenTrial[];
    if (order === 'number' || order === '-number') {
      trials = await read('values', after ?? null, limit + 1, offset);
    } else {
      const inTail = after !== undefined && after !== null && (after.value ?? null) === null;
      trials = inTail ? [] : await read('values', after ?? null, limit + 1, offset);
      if (trials.length <= limit) {
        let tailOffset = 0;
        if (!after && offset > 0 && trials.length === 0) {
          const [{ n }] = await this.run<{ n: string }>(
            `count_valued${byState ? '_s' : ''}`,
            `SELECT count(*) AS n FROM trials t WHERE t.study_id = $1 AND t."values" IS NOT NULL${byState ? ' AND t.state = $2' : ' AND $2::text IS NULL'}`,
            [studyId, query.state ?? null],
          );
          tailOffset = Math.max(0, offset - Number(n));
        }
        const tailAfter = inTail ? after : null;
        trials = trials.concat(await read('tail', tailAfter, limit + 1 - trials.length, tailOffset));
      }
    }
    const more = trials.length > limit;
    if (more) trials = trials.slice(0, limit);
    const page: TrialPage = { trials, next: more ? positionOf(trials[trials.length - 1]) : null };
    if (trials.length === 0 && !(await this.studyExists(studyId))) return { studyExists: false, page };
    return { studyExists: true, page };
  }

  /** The selected trials of a study, from one snapshot, its two halves built by two server processes at once. */
  private async bulkRead(
    variant: keyof typeof BULK,
    values: unknown[],
  ): Promise<{ studyExists: boolean; trials: FrozenTrial[]; cursor: number }> {
    // The second connection comes from the other pool, whose clients are only ever held for one
    // statement: waiting for it can never deadlock with readers holding clients of the first.
    const clients: PoolClient[] = [];
    let ok = false;
    try {
      const first = await this.counted(this.pool.connect());
      clients.push(first);
      await first.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const [{ snapshot }] = (
        await first.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')
      ).rows;
      if (!SNAPSHOT_ID.test(snapshot)) throw new Error(`Unexpected snapshot id ${JSON.stringify(snapshot)}.`);
      const second = await this.counted(this.asyncPool.connect());
      clients.push(second);
      await second.query(
        `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '${snapshot}'`,
      );
      const [trialPart, paramPart] = await Promise.all([
        first.query<Pick<TrialColumnsText, 'trials' | 'ivs'> & { study_exists: boolean; cursor: string }>(
          this.statement(`bulk_${variant}_trials`, BULK[variant].trials, values),
        ),
        second.query<Pick<TrialColumnsText, 'params' | 'dists'>>(
          this.statement(`bulk_${variant}_params`, BULK[variant].params, values),
        ),
      ]);
      ok = true;
      const t = trialPart.rows[0];
      const trials = decodeTrialColumns({ ...t, ...paramPart.rows[0] }, this.distributions);
      return { studyExists: t.study_exists, trials, cursor: Number(t.cursor) };
    } finally {
      await Promise.all(
        clients.map(async (c) => {
          try {
            await c.query(ok ? 'COMMIT' : 'ROLLBACK');
            c.release();
          } catch (e) {
            c.release(e as Error);
          }
        }),
      );
    }
  }
}
