import { BASE_ENV_ALLOWLIST, buildChildEnv, isServerVariable } from './env-allowlist';
import { InvalidObjectiveSpecError } from './errors';

const worker = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/worker',
  LANG: 'C.UTF-8',
  DATABASE_URL: 'postgres://u:secret@db/tuneforge',
  REDIS_URL: 'redis://:secret@redis:6379',
  TUNEFORGE_API_TOKEN: 'secret-token',
  TUNEFORGE_ROLE: 'worker',
  PGPASSWORD: 'secret',
  AWS_SECRET_ACCESS_KEY: 'secret',
  CUDA_VISIBLE_DEVICES: '0',
  NODE_OPTIONS: '--inspect',
};

describe('buildChildEnv', () => {
  it('starts from nothing: the allowlist, the operator list, fixed values and the trial variables', () => {
    const env = buildChildEnv(worker, {
      passEnv: ['CUDA_VISIBLE_DEVICES'],
      env: { OMP_NUM_THREADS: '1' },
      tuneforge: { TUNEFORGE_PARAMS: '{}', TUNEFORGE_TRIAL_NUMBER: '4' },
    });
    expect(env).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/worker',
      LANG: 'C.UTF-8',
      CUDA_VISIBLE_DEVICES: '0',
      OMP_NUM_THREADS: '1',
      PYTHONUNBUFFERED: '1',
      TUNEFORGE_PARAMS: '{}',
      TUNEFORGE_TRIAL_NUMBER: '4',
    });
    expect(Object.values(env).join(' ')).not.toContain('secret');
  });

  it('gives a PATH even when the worker has none', () => {
    expect(buildChildEnv({}, { tuneforge: {} }).PATH).toMatch(/\/usr\/bin/);
  });

  it('lists the documented base variables', () => {
    expect(BASE_ENV_ALLOWLIST).toEqual(['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR']);
  });

  it.each([
    'DATABASE_URL',
    'REDIS_URL',
    'TUNEFORGE_API_TOKEN',
    'PGPASSWORD',
    'POSTGRES_PASSWORD',
    'REDIS_PASSWORD',
  ])('refuses to pass or set the server variable %s, even when the operator asks', (name) => {
    expect(isServerVariable(name)).toBe(true);
    expect(() => buildChildEnv(worker, { passEnv: [name], tuneforge: {} })).toThrow(
      new RegExp(`passEnv: ${name} is a server variable`),
    );
    expect(() => buildChildEnv(worker, { env: { [name]: 'x' }, tuneforge: {} })).toThrow(
      InvalidObjectiveSpecError,
    );
  });

  it('refuses invalid names', () => {
    expect(() => buildChildEnv(worker, { passEnv: ['A=B'], tuneforge: {} })).toThrow(
      /not a valid environment variable name/,
    );
    expect(isServerVariable('PATH')).toBe(false);
    expect(isServerVariable('PYTHONPATH')).toBe(false);
  });
});
