import { BASE_ENV_ALLOWLIST, buildChildEnv, isServerVariable, resolveEnvFields } from './env-allowlist';
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

describe('resolveEnvFields', () => {
  it('fills no variables when a spec names none, and copies the ones it names', () => {
    expect(resolveEnvFields(undefined, undefined)).toEqual({ env: {}, passEnv: [] });
    const env = { OMP_NUM_THREADS: '1' };
    const passEnv = ['CUDA_VISIBLE_DEVICES'];
    const resolved = resolveEnvFields(env, passEnv);
    expect(resolved).toEqual({ env: { OMP_NUM_THREADS: '1' }, passEnv: ['CUDA_VISIBLE_DEVICES'] });
    expect(resolved.env).not.toBe(env);
    expect(resolved.passEnv).not.toBe(passEnv);
  });

  it.each([
    [['OMP_NUM_THREADS=1'], undefined, 'env', 'env must be an object of strings'],
    [5, undefined, 'env', 'env must be an object of strings'],
    [{ OMP_NUM_THREADS: 1 }, undefined, 'env', 'env.OMP_NUM_THREADS must be a string, got 1'],
    [{ DATABASE_URL: 'x' }, undefined, 'env', 'DATABASE_URL is a server variable'],
    [undefined, 'CUDA_VISIBLE_DEVICES', 'passEnv', 'passEnv must be an array of variable names'],
    [undefined, ['REDIS_URL'], 'passEnv', 'REDIS_URL is a server variable'],
  ])('refuses env %j with passEnv %j, naming the field %s', (env, passEnv, field, message) => {
    let error: unknown;
    try {
      resolveEnvFields(env, passEnv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidObjectiveSpecError);
    expect((error as InvalidObjectiveSpecError).field).toBe(field);
    expect((error as Error).message).toContain(message);
  });
});
