import type { EventEmitter } from 'node:events';
import { DataSource, MigrationExecutor, type DataSourceOptions } from 'typeorm';
import { storageEntities } from './entities';
import { postgresMigrations } from './migrations/postgres';
import { STATEMENTS_COUNT_FINISHES } from './migrations/postgres/1797000000000-finishes-counted-by-their-statement';
import { sqliteMigrations } from './migrations/sqlite';

export type StorageDialect = 'postgres' | 'sqlite';

/**
 * Where the tables live: a Postgres connection string or a SQLite file (`:memory:` for a private one).
 * Postgres: `poolSize` connections per pool (the storage has two, see PostgresBackend; pg's default 10);
 * `transactionPooling` when the URL reaches the server through a pooler in transaction mode (PgBouncer
 * `pool_mode = transaction`), which keeps no session state between transactions: the connections then
 * send no startup options (PgBouncer refuses unknown ones) and the storage uses no named prepared
 * statements (give the TypeOrmStorage the same flag).
 */
export type StorageTarget =
  | { dialect: 'postgres'; url: string; poolSize?: number; transactionPooling?: boolean }
  | { dialect: 'sqlite'; path: string };

/** Table of applied migrations, prefixed so that it never collides with an application's own. */
export const MIGRATIONS_TABLE = 'tuneforge_migrations';

/**
 * Milliseconds a SQLite statement waits for another process's lock before giving up (SQLITE_BUSY).
 * Write transactions last well under a millisecond, so this only runs out when a process is stuck.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 30_000;

/** Milliseconds to wait for a Postgres connection before reporting the server unreachable. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

/**
 * DataSource options for the storage's tables, with the migrations of the dialect. Nest apps pass
 * these to `TypeOrmModule.forRoot`; `openStorage` uses them directly. `synchronize` stays off:
 * the schema comes from the committed migrations (see `runStorageMigrations`).
 */
export function storageDataSourceOptions(target: StorageTarget): DataSourceOptions {
  const common = {
    entities: storageEntities,
    migrationsTableName: MIGRATIONS_TABLE,
    synchronize: false,
    logging: false,
  } as const;
  if (target.dialect === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: target.url,
      migrations: postgresMigrations,
      connectTimeoutMS: POSTGRES_CONNECT_TIMEOUT_MS,
      applicationName: 'tuneforge',
      ...(target.poolSize !== undefined ? { poolSize: target.poolSize } : {}),
      // Loading a long history is one big statement that JIT compilation only slows down. The backend's
      // named statements (parsed once per connection) are planned for each execution: a generic plan
      // that a connection cached while the trials table was small (a new database) scanned the whole
      // table at every claim and finish for as long as the connection lived (nothing invalidates it
      // before autovacuum analyzes the table). The backend's statements count the trials they finish
      // (STATEMENTS_COUNT_FINISHES: one upsert per statement instead of the trigger's one per row). A
      // pooler in transaction mode cannot carry a session setting: the statements are unnamed there,
      // planned for each execution anyway, and the trigger counts.
      extra: target.transactionPooling
        ? {}
        : { options: `-c jit=off -c plan_cache_mode=force_custom_plan -c ${STATEMENTS_COUNT_FINISHES}=on` },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: target.path,
    migrations: sqliteMigrations,
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    enableWAL: target.path !== ':memory:',
    // NORMAL is durable with WAL except for the last transactions on power loss, and much faster.
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('synchronous = NORMAL');
    },
  };
}

/** The dialect of an initialized DataSource. @throws for drivers the storage does not support */
export function dialectOf(dataSource: DataSource): StorageDialect {
  const type = dataSource.options.type;
  if (type === 'postgres') return 'postgres';
  if (type === 'better-sqlite3') return 'sqlite';
  throw new Error(`TypeOrmStorage supports the 'postgres' and 'better-sqlite3' drivers, not '${type}'.`);
}

/** An arbitrary constant key for the advisory lock that serializes migrations across processes. */
export const MIGRATION_LOCK_KEY = 7_205_173_001;

/**
 * SQLite migrations of this process, chained per file. Across processes `BEGIN IMMEDIATE` makes
 * them take turns; within one process it cannot (a second connection would wait for the lock
 * synchronously, blocking the event loop that the first needs to finish), so they queue here.
 */
const sqliteMigrationQueue = new Map<string, Promise<void>>();

/**
 * Applies the pending migrations, once, even when several processes open the same database at
 * the same time (an advisory lock on Postgres, a write transaction on SQLite).
 */
export async function runStorageMigrations(dataSource: DataSource): Promise<void> {
  if (dialectOf(dataSource) === 'sqlite') {
    const file = String(dataSource.options.database);
    const previous = sqliteMigrationQueue.get(file) ?? Promise.resolve();
    const mine = previous.then(() => migrate(dataSource));
    const settled = mine.catch(() => undefined);
    sqliteMigrationQueue.set(file, settled);
    try {
      await mine;
    } finally {
      if (sqliteMigrationQueue.get(file) === settled) sqliteMigrationQueue.delete(file);
    }
    return;
  }
  await migrate(dataSource);
}

async function migrate(dataSource: DataSource): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    const connection = (await queryRunner.connect()) as unknown;
    if (dialectOf(dataSource) === 'postgres') {
      const lost = watchConnectionLoss(connection as EventEmitter);
      // All in one transaction under a transaction-level lock, so that nothing depends on the session:
      // behind PgBouncer in transaction mode a session lock could be taken on one server connection and
      // released on another. A second migrator waits for the lock, then finds nothing pending.
      await queryRunner.startTransaction();
      try {
        await queryRunner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        const executor = new MigrationExecutor(dataSource, queryRunner);
        executor.transaction = 'none';
        await executor.executePendingMigrations();
        await queryRunner.commitTransaction();
      } catch (e) {
        await queryRunner.rollbackTransaction().catch(() => undefined);
        throw lost.error ?? e;
      } finally {
        lost.stop();
      }
    } else {
      // One connection per process: BEGIN IMMEDIATE takes the file's write lock (waiting for it
      // up to the busy timeout), so a second process sees the tables once the first commits.
      await queryRunner.query('BEGIN IMMEDIATE');
      try {
        const executor = new MigrationExecutor(dataSource, queryRunner);
        executor.transaction = 'none';
        await executor.executePendingMigrations();
        await queryRunner.query('COMMIT');
      } catch (e) {
        await queryRunner.query('ROLLBACK');
        throw e;
      }
    }
  } finally {
    // A connection that died mid-migration has left the pool already; releasing it again can
    // fail too, and that says nothing the caller needs.
    await queryRunner.release().catch(() => undefined);
  }
}

/**
 * The error with which the server dropped a connection between two statements (Postgres stopping
 * while a role runs its migrations). TypeORM then releases the runner, and every later call on it
 * (the next migration's statement, the rollback) fails with "query runner already released", which
 * hides what happened and that waiting for the server helps.
 */
function watchConnectionLoss(connection: EventEmitter): { readonly error?: unknown; stop(): void } {
  const watch: { error?: unknown; stop(): void } = {
    stop: () => connection.removeListener('error', onError),
  };
  const onError = (e: unknown) => {
    watch.error ??= e;
  };
  connection.on('error', onError);
  return watch;
}
