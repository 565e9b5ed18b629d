/**
 * The Python client's own unit tests (clients/python/tests, `python3 -m unittest`, against an in-memory fake of the
 * ask-and-tell routes), run here so that `npm test` covers them: python3 from PATH, nothing installed.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

jest.setTimeout(120_000);

it('clients/python: python3 -m unittest passes', () => {
  const run = spawnSync('python3', ['-m', 'unittest'], {
    cwd: join(__dirname, '..', 'clients', 'python'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
    timeout: 100_000,
  });
  expect({ code: run.status, stderr: run.stderr }).toMatchObject({
    code: 0,
    stderr: expect.stringMatching(/\nOK\n$/),
  });
  // Python 3.11 says OK to a discovery that found nothing: the suite has 25 tests.
  expect(Number(/^Ran (\d+) tests? in /m.exec(run.stderr)?.[1])).toBeGreaterThanOrEqual(25);
});
