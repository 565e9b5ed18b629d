/**
 * @tuneforge/storage/testing — throw-away databases for tests and benchmarks (a fresh Postgres database
 * or SQLite file each, dropped afterwards). Apart from the main entry so that no production import pulls
 * in the admin connection helpers.
 */
export * from './fresh-database';
