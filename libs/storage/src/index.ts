/**
 * @tuneforge/storage — the core's Storage port on TypeORM, for Postgres and SQLite: entities,
 * migrations, `TypeOrmStorage`, and `openStorage(url)` that every entry point uses to pick a storage.
 */
export * from './errors';
export * from './storage-url';
export { isTransientDatabaseError } from './transient-errors';
export { withTransientRetries, type TransientRetryOptions } from './retrying-storage';
export { TypeOrmStorage, maskPassword, type TypeOrmStorageOptions } from './typeorm-storage';
export {
  MIGRATIONS_TABLE,
  runStorageMigrations,
  storageDataSourceOptions,
  type StorageDialect,
  type StorageTarget,
} from './data-source';
export * from './entities';
export { postgresMigrations } from './migrations/postgres';
export { sqliteMigrations } from './migrations/sqlite';
