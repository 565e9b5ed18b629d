import { TuneforgeError } from '@tuneforge/core';

/**
 * A storage could not be opened: a malformed URL, an unknown scheme, an unreachable server, a
 * missing database or a file that cannot be written. The message names the URL (password masked)
 * and says what to do.
 */
export class StorageConnectionError extends TuneforgeError {}
