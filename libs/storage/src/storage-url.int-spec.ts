import { InMemoryStorage } from '@tuneforge/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { StorageConnectionError } from './errors';
import { openStorage } from './storage-url';
import { adminPostgresUrl } from './testing/fresh-database';
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

  it('opens a SQLite file by relative path, creating folders, and finds the same study again', async () => {
    const url = `sqlite:${relative(process.cwd(), join(dir, 'nested', 'folder', 'study.db'))}`;
    const first = await openStorage(url);
    expect(first).toBeInstanceOf(TypeOrmStorage);
    expect(first.url).toBe(url);
    await first.createStudy({ studyName: 'kept', directions: ['maximize'] });
    await first.close();
    const second = await openStorage(`sqlite:${join(dir, 'nested', 'folder', 'study.db')}`);
    expect((await second.getStudy(await second.getStudyIdByName('kept'))).directions).toEqual(['maximize']);
    await second.close();
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

  it('says when the SQLite file cannot be created', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, '');
    expect(await failure(`sqlite:${join(blocker, 'study.db')}`)).toMatch(
      /Check that .*study\.db can be created and written/,
    );
  });

  it('refuses malformed URLs before connecting', async () => {
    expect(await failure('redis://localhost:6379')).toMatch(/scheme 'redis:' is not one of/);
  });
});
