import { resolve } from 'node:path';
import { StorageConnectionError } from './errors';
import { parseStorageUrl } from './storage-url';
import { maskPassword } from './typeorm-storage';

describe('parseStorageUrl', () => {
  it.each([
    ['memory:', { kind: 'memory' }],
    ['sqlite:study.db', { kind: 'sqlite', path: resolve('study.db') }],
    ['sqlite:./runs/a.db', { kind: 'sqlite', path: resolve('runs/a.db') }],
    ['sqlite:/data/study.db', { kind: 'sqlite', path: '/data/study.db' }],
    ['sqlite::memory:', { kind: 'sqlite', path: ':memory:' }],
    [
      'postgres://me@db.example:5433/hpo',
      { kind: 'postgres', url: 'postgres://me@db.example:5433/hpo', database: 'hpo' },
    ],
    ['postgresql://me:pw@localhost/hpo?sslmode=require', { kind: 'postgres', database: 'hpo' }],
    ['postgres:///hpo?host=/var/run/postgresql', { kind: 'postgres', database: 'hpo' }],
  ])('reads %s', (url, expected) => {
    expect(parseStorageUrl(url)).toMatchObject(expected);
  });

  it.each([
    ['', /No storage URL given: use memory:, sqlite:<file>/],
    ['study.db', /Malformed storage URL 'study.db': use memory:, sqlite:<file>/],
    ['memory:x', /write just 'memory:'/],
    ['sqlite:', /give the database file, e.g. sqlite:study.db/],
    ['sqlite:///tmp/x.db', /write sqlite:<path>.*without '\/\/'/],
    ['mysql://u@h/db', /scheme 'mysql:' is not one of memory:, sqlite:, postgres:/],
    [
      'postgres://u@h:99999/db',
      /Malformed storage URL 'postgres:\/\/u@h:99999\/db': expected postgres:\/\/user/,
    ],
    ['postgres://u@host', /names no database/],
    ['postgres://me@/db', /expected postgres:\/\/user\[:password\]@host/],
  ])('refuses %j with one line that says what to write', (url, message) => {
    let error: unknown;
    try {
      parseStorageUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StorageConnectionError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('masks the password of the URL it names', () => {
    expect(() => parseStorageUrl('postgres://me:s3cret@host')).toThrow(/'postgres:\/\/me:\*\*\*@host'/);
    expect(() => parseStorageUrl('postgres://me:s3cret@host')).not.toThrow(/s3cret/);
  });
});

describe('maskPassword', () => {
  it('replaces only the password', () => {
    expect(maskPassword('postgres://me:p%40ss@h:5432/db')).toBe('postgres://me:***@h:5432/db');
    expect(maskPassword('postgresql://:pw@h/db')).toBe('postgresql://:***@h/db');
    expect(maskPassword('postgres://me@h:5432/db')).toBe('postgres://me@h:5432/db');
    expect(maskPassword('sqlite:/a:b@c.db')).toBe('sqlite:/a:b@c.db');
  });
});
