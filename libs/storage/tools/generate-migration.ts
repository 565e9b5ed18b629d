/**
 * Prints a migration class for the difference between the entities and an empty (or given)
 * database, for one dialect. Usage:
 *   npx tsx libs/storage/tools/generate-migration.ts postgres <ClassName> [postgres-url]
 *   npx tsx libs/storage/tools/generate-migration.ts sqlite <ClassName> [sqlite-file]
 * Without a database argument it generates against a fresh empty database (the initial schema).
 * Save the output under libs/storage/src/migrations/<dialect>/ and add it to that folder's index.
 */
import { DataSource } from 'typeorm';
import { storageDataSourceOptions, type StorageTarget } from '../src/data-source';
import { freshPostgresDatabase, freshSqliteFile } from '../src/testing/fresh-database';

async function main(): Promise<void> {
  const [dialect, className, given] = process.argv.slice(2);
  if ((dialect !== 'postgres' && dialect !== 'sqlite') || !className) {
    throw new Error('usage: generate-migration.ts postgres|sqlite <ClassName> [database]');
  }
  const fresh = given
    ? null
    : dialect === 'postgres'
      ? await freshPostgresDatabase()
      : await freshSqliteFile();
  const where = given ?? fresh!.url.replace(/^sqlite:/, '');
  const target: StorageTarget = dialect === 'postgres' ? { dialect, url: where } : { dialect, path: where };
  const ds = new DataSource({ ...storageDataSourceOptions(target), migrations: [] });
  await ds.initialize();
  try {
    const sql = await ds.driver.createSchemaBuilder().log();
    const esc = (q: string) =>
      '`' + q.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
    const up = sql.upQueries.map((q) => `    await queryRunner.query(${esc(q.query)});`).join('\n');
    const down = sql.downQueries
      .reverse()
      .map((q) => `    await queryRunner.query(${esc(q.query)});`)
      .join('\n');
    const timestamp = Date.now();
    process.stdout.write(`import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className}${timestamp} implements MigrationInterface {
  name = '${className}${timestamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${down}
  }
}
`);
  } finally {
    await ds.destroy();
    await fresh?.drop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
