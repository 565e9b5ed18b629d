import { DataSource } from 'typeorm';
import {
  MIGRATIONS_TABLE,
  runStorageMigrations,
  storageDataSourceOptions,
  type StorageTarget,
} from './data-source';
import { openStorage } from './storage-url';
import { freshPostgresDatabase, freshSqliteFile, type FreshDatabase } from './testing/fresh-database';
import type { TypeOrmStorage } from './typeorm-storage';

const targetOf = (dialect: 'postgres' | 'sqlite', db: FreshDatabase): StorageTarget =>
  dialect === 'postgres' ? { dialect, url: db.url } : { dialect, path: db.url.slice('sqlite:'.length) };

describe.each([
  ['postgres', freshPostgresDatabase],
  ['sqlite', freshSqliteFile],
] as const)('migrations (%s)', (dialect, fresh) => {
  let db: FreshDatabase;
  beforeEach(async () => {
    db = await fresh();
  });
  afterEach(() => db.drop());

  it('build exactly the schema of the entities', async () => {
    const storage = (await openStorage(db.url)) as TypeOrmStorage;
    try {
      const pending = await storage.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      const applied = await storage.dataSource.query(`SELECT name FROM ${MIGRATIONS_TABLE}`);
      expect(applied.map((r: { name: string }) => r.name)).toEqual(['InitialSchema1795770000000']);
    } finally {
      await storage.close();
    }
  });

  it('run once when several openers race on a new database', async () => {
    const storages = await Promise.all(Array.from({ length: 4 }, () => openStorage(db.url)));
    try {
      const ids = await Promise.all(
        storages.map((s, i) => s.createStudy({ studyName: `s${i}`, directions: ['minimize'] })),
      );
      expect(new Set(ids.map((s) => s.studyId)).size).toBe(4);
      const applied = await (storages[0] as TypeOrmStorage).dataSource.query(
        `SELECT name FROM ${MIGRATIONS_TABLE}`,
      );
      expect(applied).toHaveLength(1);
    } finally {
      await Promise.all(storages.map((s) => s.close()));
    }
  });

  it('can be reverted and applied again', async () => {
    const ds = await new DataSource(storageDataSourceOptions(targetOf(dialect, db))).initialize();
    try {
      await runStorageMigrations(ds);
      await ds.undoLastMigration();
      expect(await ds.createQueryRunner().hasTable('trials')).toBe(false);
      await runStorageMigrations(ds);
      expect(await ds.createQueryRunner().hasTable('trials')).toBe(true);
    } finally {
      await ds.destroy();
    }
  });
});
