import { TuneforgeError } from '@tuneforge/core';

/**
 * A storage could not be opened: a malformed URL, an unknown scheme, an unreachable server, a
 * missing database or a file that cannot be written. The message names the URL (password masked)
 * and says what to do.
 */
export class StorageConnectionError extends TuneforgeError {}

/** What a {@link StorageNotFoundError} found missing. */
export type MissingStorage = 'database' | 'folder' | 'tables';

/**
 * The storage URL points where nothing usable is: the SQLite file a reader needs, the folder a new
 * SQLite file would go in, or a database without Tuneforge's tables. Nothing was created.
 */
export class StorageNotFoundError extends StorageConnectionError {
  constructor(
    message: string,
    /** The missing file or folder (the masked URL for `tables`). */
    readonly path: string,
    readonly missing: MissingStorage,
  ) {
    super(message);
  }
}
