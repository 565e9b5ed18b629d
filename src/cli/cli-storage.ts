import type { Storage } from '@tuneforge/core';
import { openStorage, parseStorageUrl, StorageConnectionError } from '@tuneforge/storage';
import { CliUsageError } from './cli-error';

/**
 * Opens `--storage`: a malformed URL is a mistake in the command (exit 2); an unreachable server or an
 * unusable file is not (exit 1), and both get the storage library's one-line message.
 */
export async function openCliStorage(url: string): Promise<Storage> {
  try {
    parseStorageUrl(url);
  } catch (e) {
    if (e instanceof StorageConnectionError) throw new CliUsageError(`--storage: ${e.message}`);
    throw e;
  }
  return openStorage(url);
}
