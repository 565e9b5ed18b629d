import { join, resolve } from 'node:path';
import { StudyNotFoundError, type Storage } from '@tuneforge/core';
import {
  maskPassword,
  openStorage,
  parseStorageUrl,
  StorageConnectionError,
  StorageNotFoundError,
  type StorageAccess,
} from '@tuneforge/storage';
import { CliUsageError } from './cli-error';
import { folderProblem, isFolder } from './parse-options';

/**
 * Opens `--storage` with the access the command needs (`optimize` creates, the readers only read):
 * a malformed URL or one that points where nothing is (no database file, no folder, no tables) is a
 * mistake in the command (exit 2), nothing created; an unreachable server or an unusable file is not
 * (exit 1). Each gets one line.
 */
export async function openCliStorage(url: string, access: StorageAccess): Promise<Storage> {
  let location;
  try {
    location = parseStorageUrl(url);
  } catch (e) {
    if (e instanceof StorageConnectionError) throw new CliUsageError(`--storage: ${e.message}`);
    throw e;
  }
  if (location.kind === 'sqlite' && location.path !== ':memory:' && isFolder(location.path)) {
    throw new CliUsageError(
      `--storage: ${resolve(location.path)} is a folder: name the database file, e.g. sqlite:${join(location.path, 'study.db')}.`,
    );
  }
  try {
    return await openStorage(url, { access });
  } catch (e) {
    if (e instanceof StorageNotFoundError) throw new CliUsageError(notFoundMessage(e));
    throw e;
  }
}

function notFoundMessage(e: StorageNotFoundError): string {
  switch (e.missing) {
    case 'database':
      return `No database at ${e.path}: check --storage (only optimize creates a database).`;
    case 'folder':
      return folderProblem('--storage', e.path) ?? `--storage: ${e.message}`;
    case 'tables':
      return `No study was ever stored in ${e.path}: check --storage.`;
  }
}

/** Where a study lives, for "Created study 'x' …" lines: said in words, with no dangling URL colon. */
export function describeStorage(storage: Storage): string {
  const location = parseStorageUrl(storage.url);
  switch (location.kind) {
    case 'memory':
      return 'in memory (nothing is saved: give --storage sqlite:<file> to keep it)';
    case 'sqlite':
      return location.path === ':memory:'
        ? 'in a private in-memory SQLite database (nothing is saved)'
        : `in the SQLite file ${location.path}`;
    case 'postgres':
      return `in the PostgreSQL database ${storage.url}`;
  }
}

/**
 * `use` with a study of `url`: a study name that is not there says where to look (exit 1, as before).
 */
export async function namingStoredStudies<T>(url: string, use: () => Promise<T>): Promise<T> {
  try {
    return await use();
  } catch (e) {
    if (!(e instanceof StudyNotFoundError)) throw e;
    throw new StudyNotFoundError(
      `${e.message} \`tuneforge studies --storage ${maskPassword(url)}\` lists the studies there.`,
    );
  }
}
