import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InMemoryStorage, type Clock, type Storage } from '@tuneforge/core';
import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  MIGRATIONS_TABLE,
  runStorageMigrations,
  storageDataSourceOptions,
  type StorageTarget,
} from './data-source';
import { StorageConnectionError, StorageNotFoundError } from './errors';
import { maskPassword, TypeOrmStorage } from './typeorm-storage';

/** What a storage URL designates. */
export type StorageLocation =
  { kind: 'memory' } | { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; database: string };

const FORMS =
  'memory:, sqlite:<file> (e.g. sqlite:study.db) or postgres://user[:password]@host[:port]/database';

/** One line: drivers sometimes put newlines in their messages. */
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

/**
 * Parses a storage URL: `memory:`, `sqlite:<path>` (relative to the working directory or absolute;
 * `sqlite::memory:` for a private in-memory database) or `postgres://user@host:port/db` (also
 * `postgresql://`, with the options libpq URLs take, e.g. `?sslmode=require`; no host means
 * localhost, `?host=/var/run/postgresql` a Unix socket).
 * @throws StorageConnectionError naming the URL (password masked) and the accepted forms
 */
export function parseStorageUrl(url: string): StorageLocation {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new StorageConnectionError(`No storage URL given: use ${FORMS}.`);
  }
  const shown = maskPassword(url);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'memory') {
    if (url.length > 'memory:'.length) {
      throw new StorageConnectionError(
        `Malformed storage URL '${shown}': write just 'memory:' for the in-memory storage.`,
      );
    }
    return { kind: 'memory' };
  }
  if (scheme === 'sqlite') {
    const path = url.slice('sqlite:'.length);
    if (path === '') {
      throw new StorageConnectionError(
        `Malformed storage URL '${shown}': give the database file, e.g. sqlite:study.db or sqlite:/data/study.db.`,
      );
    }
    if (path.startsWith('//')) {
      throw new StorageConnectionError(
        `Malformed storage URL '${shown}': write sqlite:<path>, e.g. sqlite:study.db (relative) or sqlite:/data/study.db (absolute), without '//'.`,
      );
    }
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new StorageConnectionError(
        `Malformed storage URL '${shown}': expected postgres://user[:password]@host[:port]/database (percent-encode special characters of the password).`,
      );
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (database === '' || database.includes('/')) {
      throw new StorageConnectionError(
        `Malformed storage URL '${shown}': it names no database; expected postgres://user[:password]@host[:port]/database.`,
      );
    }
    return { kind: 'postgres', url, database };
  }
  throw new StorageConnectionError(
    scheme
      ? `Unsupported storage URL '${shown}': the scheme '${scheme}:' is not one of memory:, sqlite:, postgres:. Use ${FORMS}.`
      : `Malformed storage URL '${shown}': use ${FORMS}.`,
  );
}

/**
 * What opening a storage may do to it:
 * - `create`: a missing SQLite file is created with its tables, a database's tables are created or upgraded;
 * - `existing`: the same, but the SQLite file must already exist;
 * - `read-only`: the file must exist and nothing is ever written (SQLite opened read-only, Postgres
 *   sessions read-only, no migration); its tables must be there and current.
 *
 * No access creates a folder or a Postgres database.
 */
export type StorageAccess = 'create' | 'existing' | 'read-only';

export interface OpenStorageOptions {
  /** Stamps study creation times (and trial times of the in-memory storage). @defaultValue the system clock */
  clock?: Clock;
  /** What opening may create or write. @defaultValue 'create' */
  access?: StorageAccess;
}

/**
 * Opens the storage a URL designates, creating or upgrading its tables (migrations, applied once
 * even when several processes open the same database at once) unless `access` says otherwise. The
 * CLI, the platform and scripts all choose their storage through this function.
 * @throws StorageNotFoundError when the SQLite file (for `existing` and `read-only`) or its folder is
 * missing, or a `read-only` database has no Tuneforge tables; nothing is created then
 * @throws StorageConnectionError for a malformed URL, an unknown scheme, an unreachable server, a
 * missing database or an unusable file, with one line that says what to do
 */
export async function openStorage(url: string, options: OpenStorageOptions = {}): Promise<Storage> {
  const location = parseStorageUrl(url);
  if (location.kind === 'memory') return new InMemoryStorage(options.clock);
  const access = options.access ?? 'create';
  const shown = maskPassword(url);
  if (location.kind === 'sqlite' && location.path !== ':memory:') checkSqlitePath(location.path, access);
  const target: StorageTarget =
    location.kind === 'sqlite'
      ? { dialect: 'sqlite', path: location.path }
      : { dialect: 'postgres', url: location.url };
  const dataSource = new DataSource(dataSourceOptions(target, access));
  try {
    await dataSource.initialize();
  } catch (e) {
    throw connectionError(shown, location, e);
  }
  try {
    if (access === 'read-only') await checkSchemaIsCurrent(dataSource, shown);
    else await runStorageMigrations(dataSource);
  } catch (e) {
    await dataSource.destroy().catch(() => undefined);
    if (e instanceof StorageConnectionError) throw e;
    throw new StorageConnectionError(
      `Cannot prepare the tables of storage '${shown}': ${oneLine(errorMessage(e))}. Check that the database belongs to Tuneforge and that the user may create tables.`,
    );
  }
  return new TypeOrmStorage(dataSource, { url: shown, ownsDataSource: true, clock: options.clock });
}

/**
 * A new SQLite file goes in an existing folder only (the driver would create the folders); a reader
 * needs the file itself. Checked before connecting, so that a refused open leaves nothing behind.
 */
function checkSqlitePath(path: string, access: StorageAccess): void {
  const folder = dirname(path);
  if (!existsSync(folder)) {
    throw new StorageNotFoundError(
      `The folder ${folder} of the SQLite database ${path} does not exist: create it, or choose another path.`,
      folder,
      'folder',
    );
  }
  if (!statSync(folder).isDirectory()) {
    throw new StorageNotFoundError(
      `${folder} is a file, not a folder: choose another path for the SQLite database ${path}.`,
      folder,
      'folder',
    );
  }
  if (access !== 'create' && !existsSync(path)) {
    throw new StorageNotFoundError(
      `No database at ${path}: check the path (a study run on a new path creates its database).`,
      path,
      'database',
    );
  }
}

/** The storage's DataSource options, narrowed to what the access allows. */
function dataSourceOptions(target: StorageTarget, access: StorageAccess): DataSourceOptions {
  const options = storageDataSourceOptions(target);
  if (options.type === 'better-sqlite3' && access !== 'create') {
    // fileMustExist closes the gap between the check above and the open: SQLite creates nothing.
    const readonly = access === 'read-only';
    // A read-only connection cannot switch the journal mode; the database keeps the one its writer set.
    return { ...options, fileMustExist: true, readonly, enableWAL: readonly ? false : options.enableWAL };
  }
  if (options.type === 'postgres' && access === 'read-only') {
    const extra = options.extra as { options?: string } | undefined;
    return {
      ...options,
      extra: { ...extra, options: `${extra?.options ?? ''} -c default_transaction_read_only=on`.trim() },
    };
  }
  return options;
}

/**
 * A read-only open runs no migration, so the tables must already be those of this version: a
 * database without them is not a Tuneforge storage (yet), an older one must be opened once with
 * write access to be upgraded.
 */
async function checkSchemaIsCurrent(dataSource: DataSource, shown: string): Promise<void> {
  const sqlite = dataSource.options.type === 'better-sqlite3';
  const found = (await dataSource.query(
    sqlite
      ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`
      : `SELECT to_regclass($1) AS name`,
    [MIGRATIONS_TABLE],
  )) as Array<{ name: string | null }>;
  if (!found[0]?.name) {
    throw new StorageNotFoundError(
      `Storage '${shown}' holds no Tuneforge tables: no study was ever stored there; check the URL.`,
      shown,
      'tables',
    );
  }
  const applied = new Set(
    ((await dataSource.query(`SELECT name FROM ${MIGRATIONS_TABLE}`)) as Array<{ name: string }>).map(
      (r) => r.name,
    ),
  );
  const pending = dataSource.migrations.filter((m) => !applied.has(m.name ?? m.constructor.name));
  if (pending.length > 0) {
    throw new StorageConnectionError(
      `Storage '${shown}' was written by an older version of Tuneforge: open it once with write access (e.g. run a study on it) to upgrade its tables.`,
    );
  }
}

function errorMessage(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return errorMessage(e.errors[0]);
  return e instanceof Error ? e.message || e.name : String(e);
}

/** The one-line error for a failed connection, by cause. */
function connectionError(shown: string, location: StorageLocation, e: unknown): StorageConnectionError {
  const err = e as { code?: string };
  const reason = oneLine(errorMessage(e));
  if (location.kind === 'sqlite') {
    if (err.code === 'SQLITE_NOTADB') {
      return new StorageConnectionError(
        `Cannot open storage '${shown}': ${location.path} is not a SQLite database. Point the URL at a database file or a new file name.`,
      );
    }
    return new StorageConnectionError(
      `Cannot open storage '${shown}': ${reason}. Check that ${location.path} can be created and written (its folder exists and is writable).`,
    );
  }
  const database = location.kind === 'postgres' ? location.database : '';
  switch (err.code) {
    case '3D000':
      return new StorageConnectionError(
        `Cannot open storage '${shown}': database "${database}" does not exist. Create it (createdb ${database}) or fix the URL.`,
      );
    case '28P01':
    case '28000':
      return new StorageConnectionError(
        `Cannot open storage '${shown}': the server refused the login (${reason}). Check the user and password in the URL.`,
      );
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'ENOENT':
      return new StorageConnectionError(
        `Cannot reach the PostgreSQL server of storage '${shown}' (${reason}). Check that the server is running and that the URL's host and port are right.`,
      );
    default:
      if (/timeout/i.test(reason)) {
        return new StorageConnectionError(
          `Cannot reach the PostgreSQL server of storage '${shown}' (${reason}). Check that the server is running and that the URL's host and port are right.`,
        );
      }
      return new StorageConnectionError(
        `Cannot open storage '${shown}': ${reason}. Check the URL and the server.`,
      );
  }
}
