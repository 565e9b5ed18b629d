/**
 * The environment of a sandboxed objective: built from nothing, never inherited. A worker's environment
 * holds the database URL, the Redis URL and the API token; an objective is someone else's code, so it gets
 * only an allowlist of harmless variables, the operator's additions, and the TUNEFORGE_* variables the
 * runner sets itself.
 */
import { InvalidObjectiveSpecError } from './errors';

/** Passed through from the worker's environment when set. */
export const BASE_ENV_ALLOWLIST: readonly string[] = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/**
 * The platform's own variables, refused even when an operator lists them: a typo in a manifest must not be
 * able to hand the database password to a training script. TUNEFORGE_* is the runner's namespace.
 */
const SERVER_VARIABLE = /^(DATABASE_URL|REDIS_URL|TUNEFORGE_.*|DATABASE_.*|REDIS_.*|POSTGRES_.*|PG[A-Z].*)$/;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Fallback when the worker has no PATH at all, so that `python3` and `sh` still resolve. */
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** Whether `name` belongs to the server and may never reach an objective. */
export function isServerVariable(name: string): boolean {
  return SERVER_VARIABLE.test(name);
}

/** Checks names an operator wants passed through or set. @throws InvalidObjectiveSpecError naming the variable */
export function checkEnvNames(names: Iterable<string>, what: string): void {
  for (const name of names) {
    if (typeof name !== 'string' || !ENV_NAME.test(name)) {
      throw new InvalidObjectiveSpecError(
        `${what}: ${JSON.stringify(name)} is not a valid environment variable name`,
        what,
      );
    }
    if (isServerVariable(name)) {
      throw new InvalidObjectiveSpecError(
        `${what}: ${name} is a server variable and is never given to an objective (refused: DATABASE_*, REDIS_*, POSTGRES_*, PG*, TUNEFORGE_*)`,
        what,
      );
    }
  }
}

/**
 * Checks the `env` and `passEnv` fields of a command or module spec and fills their defaults (none).
 * @throws InvalidObjectiveSpecError naming the field
 */
export function resolveEnvFields(
  env: unknown,
  passEnv: unknown,
): { env: Record<string, string>; passEnv: string[] } {
  const fixed = env ?? {};
  if (typeof fixed !== 'object' || Array.isArray(fixed))
    throw new InvalidObjectiveSpecError('env must be an object of strings', 'env');
  checkEnvNames(Object.keys(fixed), 'env');
  for (const [k, v] of Object.entries(fixed)) {
    if (typeof v !== 'string')
      throw new InvalidObjectiveSpecError(`env.${k} must be a string, got ${JSON.stringify(v)}`, 'env');
  }
  const names = passEnv ?? [];
  if (!Array.isArray(names))
    throw new InvalidObjectiveSpecError('passEnv must be an array of variable names', 'passEnv');
  checkEnvNames(names, 'passEnv');
  return { env: { ...(fixed as Record<string, string>) }, passEnv: [...(names as string[])] };
}

export interface ChildEnvOptions {
  /** Extra names to pass through from the worker's environment (the operator's list). */
  passEnv?: readonly string[];
  /** Fixed values set for the objective (e.g. `{ OMP_NUM_THREADS: '1' }`). */
  env?: Readonly<Record<string, string>>;
  /** The TUNEFORGE_* variables of the trial, set by the runner (the only way in for that namespace). */
  tuneforge: Readonly<Record<string, string>>;
}

/**
 * The objective's environment: allowlisted names taken from `parent`, then the operator's fixed values, then
 * the runner's TUNEFORGE_* variables. @throws InvalidObjectiveSpecError for a refused or invalid name
 */
export function buildChildEnv(parent: NodeJS.ProcessEnv, options: ChildEnvOptions): Record<string, string> {
  const passEnv = options.passEnv ?? [];
  const fixed = options.env ?? {};
  checkEnvNames(passEnv, 'passEnv');
  checkEnvNames(Object.keys(fixed), 'env');
  const out: Record<string, string> = {};
  for (const name of [...BASE_ENV_ALLOWLIST, ...passEnv]) {
    const value = parent[name];
    if (value !== undefined) out[name] = value;
  }
  out.PATH ??= DEFAULT_PATH;
  // Python block-buffers a piped stdout, which would hold reports back until exit and defeat pruning.
  out.PYTHONUNBUFFERED = '1';
  for (const [name, value] of Object.entries(fixed)) {
    if (typeof value !== 'string') {
      throw new InvalidObjectiveSpecError(
        `env: the value of ${name} must be a string, got ${JSON.stringify(value)}`,
        'env',
      );
    }
    out[name] = value;
  }
  for (const [name, value] of Object.entries(options.tuneforge)) {
    if (!name.startsWith('TUNEFORGE_')) throw new Error(`internal: ${name} is not a TUNEFORGE_* variable`);
    out[name] = value;
  }
  return out;
}
