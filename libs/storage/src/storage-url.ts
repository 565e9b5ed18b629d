import { resolve } from 'node:path';
import { InMemoryStorage, type Clock, type Storage } from '@tuneforge/core';
import { DataSource } from 'typeorm';
import { runStorageMigrations, storageDataSourceOptions, type StorageTarget } from './data-source';
import { StorageConnectionError } from './errors';
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

export interface OpenStorageOptions {
  /** Stamps study creation times (and trial times of the in-memory storage). @defaultValue the system clock */
  clock?: Clock;
}

/**
 * Opens the storage a URL designates, creating or upgrading its tables (migrations, applied once
 * even when several processes open the same database at once). The CLI, the platform and scripts
 * all choose their storage through this function.
 * @throws StorageConnectionError for a malformed URL, an unknown scheme, an unreachable server, a
 * missing database or an unusable file, with one line that says what to do
 */
export async function openStorage(url: string, options: OpenStorageOptions = {}): Promise<Storage> {
  const location = parseStorageUrl(url);
  if (location.kind === 'memory') return new InMemoryStorage(options.clock);
  const target: StorageTarget =
    location.kind === 'sqlite'
      ? { dialect: 'sqlite', path: location.path }
      : { dialect: 'postgres', url: location.url };
  const dataSource = new DataSource(storageDataSourceOptions(target));
  const shown = maskPassword(url);
  try {
    await dataSource.initialize();
  } catch (e) {
    throw connectionError(shown, location, e);
  }
  try {
    await runStorageMigrations(dataSource);
  } catch (e) {
    await dataSource.destroy().catch(() => undefined);
    throw new StorageConnectionError(
      `Cannot prepare the tables of storage '${shown}': ${oneLine(errorMessage(e))}. Check that the database belongs to Tuneforge and that the user may create tables.`,
    );
  }
  return new TypeOrmStorage(dataSource, { url: shown, ownsDataSource: true, clock: options.clock });
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
