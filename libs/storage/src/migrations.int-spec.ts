import type { FrozenTrial, JsonObject } from '@tuneforge/core';
import type { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import {
  MIGRATION_LOCK_KEY,
  MIGRATIONS_TABLE,
  runStorageMigrations,
  storageDataSourceOptions,
  type StorageTarget,
} from './data-source';
import { postgresMigrations } from './migrations/postgres';
import { sqliteMigrations } from './migrations/sqlite';
import { openStorage } from './storage-url';
import { freshPostgresDatabase, freshSqliteFile, type FreshDatabase } from './testing/fresh-database';
import { isTransientDatabaseError } from './transient-errors';
import { TypeOrmStorage } from './typeorm-storage';

/**
 * Trials as the initial schema's code stored them: the lease in its columns AND, for claimed trials,
 * in `system_attrs` (which it read back as they were).
 */
const OLD_TRIALS = [
  // Claimed by w1 and finished.
  {
    state: 'COMPLETE',
    values: '[1.5]',
    complete: 3_000,
    heartbeat: 2_000,
    worker: 'w1',
    attempt: 1,
    attrs: { 'platform:worker': 'w1', 'platform:attempt': 1, sampler: { k: 'v' } },
  },
  // Failed once, requeued: no worker, its attempt kept.
  {
    state: 'WAITING',
    values: null,
    complete: null,
    heartbeat: null,
    worker: null,
    attempt: 1,
    attrs: { 'platform:attempt': 1, 'platform:last-failure': 'boom' },
  },
  // Ended FAIL by a lapsed lease: the old statement cleared the worker column, the attribute kept it.
  {
    state: 'FAIL',
    values: null,
    complete: 4_000,
    heartbeat: null,
    worker: null,
    attempt: 2,
    attrs: { 'platform:worker': 'w2', 'platform:attempt': 2, fail_reason: 'gone' },
  },
  // Running under w3's lease.
  {
    state: 'RUNNING',
    values: null,
    complete: null,
    heartbeat: 5_000,
    worker: 'w3',
    attempt: 1,
    attrs: { 'platform:worker': 'w3', 'platform:attempt': 1 },
  },
  // Running without a lease (a library study's trial).
  { state: 'RUNNING', values: null, complete: null, heartbeat: null, worker: null, attempt: 0, attrs: {} },
] as const;

const sqlText = (v: string | number | null) =>
  v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`;

const targetOf = (dialect: 'postgres' | 'sqlite', db: FreshDatabase): StorageTarget =>
  dialect === 'postgres' ? { dialect, url: db.url } : { dialect, path: db.url.slice('sqlite:'.length) };

describe.each([
  ['postgres', freshPostgresDatabase],
  ['sqlite', freshSqliteFile],
] as const)('migrations (%s)', (dialect, fresh) => {
  const migrations = dialect === 'postgres' ? postgresMigrations : sqliteMigrations;
  /** Reverts the migrations that follow PlatformStateInOneHome1796287280000 (the newest first). */
  const undoDownToPlatformStateInOneHome = async (ds: DataSource) => {
    for (let i = migrations.length - 2; i > 0; i--) await ds.undoLastMigration();
  };
  let db: FreshDatabase;
  beforeEach(async () => {
    db = await fresh();
  });
  afterEach(() => db.drop());

  it('build exactly the schema of the entities', async () => {
    const storage = (await openStorage(db.url)) as TypeOrmStorage;
    try {
      const pending = await storage.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      const applied = await storage.dataSource.query(`SELECT name FROM ${MIGRATIONS_TABLE}`);
      expect(applied.map((r: { name: string }) => r.name).sort()).toEqual([
        'BigStudyReads1796900000000',
        // Postgres only: SQLite counts finished trials with count(*), it has no counters.
        ...(dialect === 'postgres' ? ['FinishesCountedByTheirStatement1797000000000'] : []),
        'InitialSchema1795770000000',
        'PlatformStateInOneHome1796287280000',
      ]);
    } finally {
      await storage.close();
    }
  });

  it('run once when several openers race on a new database', async () => {
    const storages = await Promise.all(Array.from({ length: 4 }, () => openStorage(db.url)));
    try {
      const ids = await Promise.all(
        storages.map((s, i) => s.createStudy({ studyName: `s${i}`, directions: ['minimize'] })),
      );
      expect(new Set(ids.map((s) => s.studyId)).size).toBe(4);
      const applied = await (storages[0] as TypeOrmStorage).dataSource.query(
        `SELECT name FROM ${MIGRATIONS_TABLE}`,
      );
      expect(applied).toHaveLength(migrations.length);
    } finally {
      await Promise.all(storages.map((s) => s.close()));
    }
  });

  it('can be reverted and applied again', async () => {
    const ds = await new DataSource(storageDataSourceOptions(targetOf(dialect, db))).initialize();
    try {
      await runStorageMigrations(ds);
      await undoDownToPlatformStateInOneHome(ds);
      await ds.undoLastMigration();
      expect(await ds.createQueryRunner().hasColumn('studies', 'definition')).toBe(true);
      await ds.undoLastMigration();
      expect(await ds.createQueryRunner().hasTable('trials')).toBe(false);
      await runStorageMigrations(ds);
      expect(await ds.createQueryRunner().hasTable('trials')).toBe(true);
      expect(await ds.createQueryRunner().hasColumn('studies', 'definition')).toBe(false);
    } finally {
      await ds.destroy();
    }
  });

  it('move the platform state to one home: old trials read the same, and down puts the old homes back', async () => {
    const [initial] = migrations;
    const old = await new DataSource({
      ...storageDataSourceOptions(targetOf(dialect, db)),
      migrations: [initial],
    }).initialize();
    try {
      await runStorageMigrations(old);
      await old.query(
        `INSERT INTO studies (study_name, directions, state, definition, user_attrs, system_attrs, next_trial_number, created_at, updated_at)
         VALUES ('old', '["minimize"]', 'PAUSED', '{"objective":"x"}', '{}', '{"platform:state":"PAUSED"}', ${OLD_TRIALS.length}, 1000, 9000)`,
      );
      for (const [number, t] of OLD_TRIALS.entries()) {
        await old.query(
          `INSERT INTO trials (study_id, number, state, "values", datetime_start, datetime_complete, heartbeat_at, worker_id, attempt, user_attrs, system_attrs, version)
           VALUES (1, ${number}, '${t.state}', ${sqlText(t.values)}, ${t.state === 'WAITING' ? 'NULL' : 1_000}, ${sqlText(t.complete)},
                   ${sqlText(t.heartbeat)}, ${sqlText(t.worker)}, ${t.attempt}, '{}', '${JSON.stringify(t.attrs)}', 1)`,
        );
      }
    } finally {
      await old.destroy();
    }
    // What the old code read: the stored attributes as they were.
    const expected = OLD_TRIALS.map((t, number) => ({
      number,
      state: t.state,
      values: t.values === null ? null : (JSON.parse(t.values) as number[]),
      datetimeStart: t.state === 'WAITING' ? null : 1_000,
      datetimeComplete: t.complete,
      params: {},
      distributions: {},
      intermediateValues: {},
      userAttrs: {},
      systemAttrs: t.attrs,
    }));
    const read = (trials: FrozenTrial[]) => trials.map(({ trialId: _id, ...rest }) => rest);

    const ds = await new DataSource(storageDataSourceOptions(targetOf(dialect, db))).initialize();
    await runStorageMigrations(ds);
    const storage = new TypeOrmStorage(ds);
    try {
      const studyId = await storage.getStudyIdByName('old');
      expect((await storage.getStudy(studyId)).systemAttrs).toEqual({ 'platform:state': 'PAUSED' });
      expect(read(await storage.getAllTrials(studyId))).toEqual(expected);
      expect(read((await storage.getTrialsChangedSince(studyId, 0)).trials)).toEqual(expected);
      for (const [number, t] of (await storage.getAllTrials(studyId)).entries()) {
        expect((await storage.getTrial(t.trialId)).systemAttrs).toEqual(expected[number].systemAttrs);
      }
      // One home: the attributes are gone from system_attrs; the failed trial's worker is in its column.
      const rows = (await ds.query(
        'SELECT number, worker_id, attempt, system_attrs FROM trials ORDER BY number',
      )) as Array<{ number: number; worker_id: string | null; attempt: number; system_attrs: string }>;
      expect(rows.map((r) => [r.worker_id, Number(r.attempt), JSON.parse(r.system_attrs)])).toEqual([
        ['w1', 1, { sampler: { k: 'v' } }],
        [null, 1, { 'platform:last-failure': 'boom' }],
        ['w2', 2, { fail_reason: 'gone' }],
        ['w3', 1, {}],
        [null, 0, {}],
      ]);
      // The running trial's lease still works from its columns.
      const running = (await storage.getAllTrials(studyId))[3];
      expect(await storage.renewLeases('w3', [running.trialId], 6_000)).toEqual([running.trialId]);
      // The counters start from the trials already stored.
      expect(await storage.countTrials(studyId)).toEqual({
        WAITING: 1,
        RUNNING: 2,
        COMPLETE: 1,
        PRUNED: 0,
        FAIL: 1,
      });

      await undoDownToPlatformStateInOneHome(ds);
      await ds.undoLastMigration();
      const qr = ds.createQueryRunner();
      try {
        for (const column of ['state', 'definition', 'updated_at']) {
          expect(await qr.hasColumn('studies', column)).toBe(true);
        }
      } finally {
        await qr.release();
      }
      expect(await ds.query(`SELECT state, definition, updated_at FROM studies`)).toEqual([
        { state: 'RUNNING', definition: null, updated_at: dialect === 'postgres' ? '1000' : 1000 },
      ]);
      const restored = (await ds.query('SELECT system_attrs FROM trials ORDER BY number')) as Array<{
        system_attrs: string;
      }>;
      expect(restored.map((r) => JSON.parse(r.system_attrs) as JsonObject)).toEqual(
        OLD_TRIALS.map((t) => t.attrs),
      );

      await runStorageMigrations(ds);
      expect(read(await storage.getAllTrials(studyId))).toEqual(expected);
    } finally {
      await storage.close();
      await ds.destroy();
    }
  });
});

describe('migrations (postgres) when the connection is cut', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  beforeEach(async () => {
    db = await freshPostgresDatabase();
    ds = await new DataSource(storageDataSourceOptions({ dialect: 'postgres', url: db.url })).initialize();
  });
  afterEach(async () => {
    await ds.destroy();
    await db.drop();
  });

  const cutsMigrator = (when: 'waiting for the lock' | 'between statements') =>
    when === 'waiting for the lock' ? cutWhileWaitingForTheLock : cutBetweenStatements;

  /** Holds the migration lock, waits for the migrator to queue on it, terminates its backend. */
  async function cutWhileWaitingForTheLock(): Promise<unknown> {
    const holder = ds.createQueryRunner();
    try {
      await holder.startTransaction();
      await holder.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const outcome = runStorageMigrations(ds).then(
        () => null,
        (e: unknown) => e,
      );
      let waiting: Array<{ pid: number }> = [];
      for (let i = 0; i < 100 && waiting.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        waiting = await holder.query(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
        );
      }
      expect(waiting).toHaveLength(1);
      await holder.query('SELECT pg_terminate_backend($1)', [waiting[0].pid]);
      return await outcome;
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
  }

  /**
   * Terminates the migrator's backend once it holds the lock and is between two statements, and
   * lets it go on only after its connection saw the server's goodbye (as a Postgres stopping
   * while a role runs its migrations does).
   */
  async function cutBetweenStatements(): Promise<unknown> {
    const create = ds.createQueryRunner.bind(ds);
    jest.spyOn(ds, 'createQueryRunner').mockImplementationOnce(() => {
      const runner = create() as PostgresQueryRunner;
      const query = runner.query.bind(runner) as (sql: string, params?: unknown[]) => Promise<unknown>;
      runner.query = (async (sql: string, params?: unknown[]) => {
        const result = await query(sql, params);
        if (sql.includes('pg_advisory_xact_lock')) {
          // connect() hands back the connection the runner already holds.
          const client = (await runner.connect()) as EventEmitter;
          const gone = new Promise((resolve) => client.once('error', resolve));
          const [{ pid }] = (await query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
          await ds.query('SELECT pg_terminate_backend($1)', [pid]);
          await gone;
        }
        return result;
      }) as typeof runner.query;
      return runner;
    });
    return runStorageMigrations(ds).then(
      () => null,
      (e: unknown) => e,
    );
  }

  // A role starting while Postgres restarts: the error must say the connection went away (so the
  // role waits and tries again), not that the runner it used was released under it.
  it.each(['waiting for the lock', 'between statements'] as const)(
    'fail with the cut when it comes %s, and apply everything on the next attempt',
    async (when) => {
      const error = await cutsMigrator(when)();
      expect(error).not.toBeNull();
      expect((error as Error).message).not.toMatch(/released/i);
      expect(isTransientDatabaseError(error)).toBe(true);

      await runStorageMigrations(ds);
      expect(await ds.query(`SELECT name FROM ${MIGRATIONS_TABLE}`)).toHaveLength(postgresMigrations.length);
    },
  );
});
