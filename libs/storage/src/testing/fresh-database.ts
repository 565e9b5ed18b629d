import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** A throwaway database and how to get rid of it. */
export interface FreshDatabase {
  /** A storage URL for `openStorage`: `postgres://…` or `sqlite:<file>`. */
  readonly url: string;
  /** Drops the database (or deletes the file). Idempotent. */
  drop(): Promise<void>;
}

/**
 * The server used by tests and benchmarks to create their databases: `TUNEFORGE_TEST_POSTGRES_URL`,
 * else the local server of the development machine and the CI.
 */
export function adminPostgresUrl(): string {
  return process.env.TUNEFORGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/**
 * Creates an empty Postgres database with a unique name (`tuneforge_test_<pid>_<random>`), so that
 * test files and benchmark runs never share tables.
 */
export async function freshPostgresDatabase(prefix = 'tuneforge_test'): Promise<FreshDatabase> {
  const admin = adminPostgresUrl();
  const name = uniqueName(prefix);
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      const c = new Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A new SQLite file in a private temporary folder (removed, with its WAL files, by `drop`). */
export async function freshSqliteFile(prefix = 'tuneforge-test'): Promise<FreshDatabase> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  let dropped = false;
  return {
    url: `sqlite:${join(dir, 'study.db')}`,
    async drop() {
      if (dropped) return;
      dropped = true;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
