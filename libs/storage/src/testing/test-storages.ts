import type { Storage } from '@tuneforge/core';
import { openStorage } from '../storage-url';
import { TypeOrmStorage } from '../typeorm-storage';
import { freshPostgresDatabase, freshSqliteFile, type FreshDatabase } from './fresh-database';

/** Empty storages for a test file: `factory` before each test, `cleanup` once after all. */
export interface TestStorages {
  factory(): Promise<Storage>;
  cleanup(): Promise<void>;
}

/**
 * One fresh Postgres database per test file (created on first use); every `factory()` opens a
 * storage on it after emptying its tables, so tests start from nothing without paying for a new
 * database each.
 */
export function postgresTestStorages(): TestStorages {
  let db: Promise<FreshDatabase> | null = null;
  return {
    async factory() {
      db ??= freshPostgresDatabase();
      const storage = await openStorage((await db).url);
      await (storage as TypeOrmStorage).dataSource.query(
        'TRUNCATE trial_intermediate_values, trial_params, trials, studies RESTART IDENTITY CASCADE',
      );
      return storage;
    },
    async cleanup() {
      if (db) await (await db).drop();
    },
  };
}

/** A new SQLite file for every `factory()` call (migrated on open), all deleted by `cleanup`. */
export function sqliteTestStorages(): TestStorages {
  const files: FreshDatabase[] = [];
  return {
    async factory() {
      const file = await freshSqliteFile();
      files.push(file);
      return openStorage(file.url);
    },
    async cleanup() {
      await Promise.all(files.map((f) => f.drop()));
    },
  };
}
