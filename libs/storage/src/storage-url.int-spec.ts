import { InMemoryStorage } from '@tuneforge/core';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { StorageConnectionError, StorageNotFoundError } from './errors';
import { openStorage } from './storage-url';
import { adminPostgresUrl, freshPostgresDatabase } from './testing/fresh-database';
import { TypeOrmStorage } from './typeorm-storage';

describe('openStorage', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuneforge-url-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The one-line StorageConnectionError that opening `url` fails with. */
  const failure = async (url: string): Promise<string> => {
    const error = await openStorage(url).then(
      async (s) => {
        await s.close();
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageConnectionError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  };

  it('opens memory: as the in-memory storage', async () => {
    const storage = await openStorage('memory:');
    expect(storage).toBeInstanceOf(InMemoryStorage);
    expect(storage.url).toBe('memory:');
  });

  it('opens a SQLite file by relative path, creating the file, and finds the same study again', async () => {
    await mkdir(join(dir, 'nested', 'folder'), { recursive: true });
    const url = `sqlite:${relative(process.cwd(), join(dir, 'nested', 'folder', 'study.db'))}`;
    const first = await openStorage(url);
    expect(first).toBeInstanceOf(TypeOrmStorage);
    expect(first.url).toBe(url);
    await first.createStudy({ studyName: 'kept', directions: ['maximize'] });
    await first.close();
    const second = await openStorage(`sqlite:${join(dir, 'nested', 'folder', 'study.db')}`, {
      access: 'read-only',
    });
    expect((await second.getStudy(await second.getStudyIdByName('kept'))).directions).toEqual(['maximize']);
    // Not `rejects.toThrow`: better-sqlite3's native part keeps the SqliteError class of the first test file
    // that loaded it in this jest worker, so the error may come from another realm (not an Error here).
    const refused = await second.createStudy({ studyName: 'refused', directions: ['minimize'] }).then(
      () => null,
      (e: unknown) => e as { message?: string },
    );
    expect(refused?.message).toMatch(/readonly/);
    await second.close();
  });

  it('creates no folder: a SQLite file in a missing folder is refused, naming the folder', async () => {
    const folder = join(dir, 'missing', 'deeper');
    const error = await openStorage(`sqlite:${join(folder, 'study.db')}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageNotFoundError);
    expect(error).toMatchObject({ missing: 'folder', path: folder });
    expect((error as Error).message).toBe(
      `The folder ${folder} of the SQLite database ${join(folder, 'study.db')} does not exist: create it, or choose another path.`,
    );
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it.each(['read-only', 'existing'] as const)(
    'opens only an existing SQLite file with access %s, and creates none',
    async (access) => {
      const file = join(dir, `typo-${access}.db`);
      const error = await openStorage(`sqlite:${file}`, { access }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageNotFoundError);
      expect(error).toMatchObject({ missing: 'database', path: file });
      expect((error as Error).message).toMatch(new RegExp(`^No database at ${file}: check the path`));
      expect((await readdir(dir)).filter((f) => f.startsWith('typo-'))).toEqual([]);
    },
  );

  it('refuses to read a SQLite file without Tuneforge tables, and leaves it as it was', async () => {
    const file = join(dir, 'empty.db');
    await writeFile(file, '');
    const error = await openStorage(`sqlite:${file}`, { access: 'read-only' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageNotFoundError);
    expect((error as Error).message).toBe(
      `Storage 'sqlite:${file}' holds no Tuneforge tables: no study was ever stored there; check the URL.`,
    );
    expect((await readdir(dir)).filter((f) => f.startsWith('empty.db'))).toEqual(['empty.db']);
  });

  it('reads a Postgres database read-only: no table is created in an empty one', async () => {
    const db = await freshPostgresDatabase('tuneforge_url_ro');
    try {
      const error = await openStorage(db.url, { access: 'read-only' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageNotFoundError);
      expect((error as Error).message).toMatch(/holds no Tuneforge tables/);
      const writer = await openStorage(db.url);
      await writer.createStudy({ studyName: 'kept', directions: ['minimize'] });
      await writer.close();
      const reader = await openStorage(db.url, { access: 'read-only' });
      expect((await reader.listStudies()).map((s) => s.studyName)).toEqual(['kept']);
      await expect(reader.createStudy({ studyName: 'refused', directions: ['minimize'] })).rejects.toThrow(
        /read-only transaction/,
      );
      await reader.close();
    } finally {
      await db.drop();
    }
  });

  it('opens sqlite::memory: as a private database', async () => {
    const storage = await openStorage('sqlite::memory:');
    await storage.createStudy({ studyName: 'x', directions: ['minimize'] });
    expect(await storage.listStudies()).toHaveLength(1);
    await storage.close();
  });

  it('names an unreachable Postgres server and what to check', async () => {
    const message = await failure('postgres://me:hunter2@127.0.0.1:1/tuneforge');
    expect(message).toMatch(
      /^Cannot reach the PostgreSQL server of storage 'postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/tuneforge' \(.*ECONNREFUSED.*\)\. Check that the server is running/,
    );
    expect(message).not.toContain('hunter2');
  });

  it('says when the database does not exist and how to create it', async () => {
    const url = new URL(adminPostgresUrl());
    url.pathname = '/tuneforge_no_such_database';
    expect(await failure(url.toString())).toMatch(
      /database "tuneforge_no_such_database" does not exist\. Create it \(createdb tuneforge_no_such_database\)/,
    );
  });

  it('says when the server refuses the login', async () => {
    const url = new URL(adminPostgresUrl());
    url.username = 'tuneforge_no_such_role';
    expect(await failure(url.toString())).toMatch(
      /the server refused the login \(.*\)\. Check the user and password/,
    );
  });

  it('says when a file is not a SQLite database', async () => {
    const file = join(dir, 'notes.txt');
    await writeFile(file, 'these are not the tables you are looking for '.repeat(100));
    expect(await failure(`sqlite:${file}`)).toMatch(/notes\.txt is not a SQLite database/);
  });

  it('says when the folder of the SQLite file is a file', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, '');
    expect(await failure(`sqlite:${join(blocker, 'study.db')}`)).toBe(
      `${blocker} is a file, not a folder: choose another path for the SQLite database ${join(blocker, 'study.db')}.`,
    );
  });

  it('says when the SQLite file cannot be created', async () => {
    const blocker = join(dir, 'a-folder.db');
    await mkdir(blocker);
    expect(await failure(`sqlite:${blocker}`)).toMatch(
      /Check that .*a-folder\.db can be created and written/,
    );
  });

  it('refuses malformed URLs before connecting', async () => {
    expect(await failure('redis://localhost:6379')).toMatch(/scheme 'redis:' is not one of/);
  });
});
