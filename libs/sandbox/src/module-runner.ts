/**
 * Module objectives: a JS/TS file exporting `objective(trial)`, run in a child process so that a hung or
 * crashing objective (an endless loop, a heap blow-up, `process.exit`) ends its trial FAIL instead of taking
 * the worker or the CLI down. The child's trial is a proxy (child-entry.ts): each `suggest*`, `report`,
 * `shouldPrune` and `setUserAttr` is answered here by the real trial of the study, so the study's sampler
 * samples define-by-run exactly as in-process, and the same seed gives the same trials.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type JsonValue, type Objective, type Trial } from '@tuneforge/core';
import { buildChildEnv, resolveEnvFields } from './env-allowlist';
import { InvalidObjectiveSpecError, ObjectiveFailedError, type FailureKind } from './errors';
import {
  decodeMessage,
  encodeMessage,
  toRemoteError,
  TRIAL_METHODS,
  TRIAL_PROPERTIES,
  type ChildMessage,
  type ChildOutcome,
  type RemoteError,
  type TrialMethod,
} from './ipc-protocol';
import { resolveLimits, type ResolvedLimits, type SandboxLimits } from './limits';
import { LineSplitter } from './output-capture';
import {
  exitFailure,
  placementOf,
  processLimits,
  sandboxFailure,
  settleOutcome,
  storeConstraints,
  withStderr,
  withTrialRun,
} from './run-outcome';
import type { FailedRun, OutcomeCommon, RunPlacement } from './run-outcome';
import { SandboxProcess, type ProcessExit } from './sandbox-process';

/** What to run. Plain JSON, so that a manifest can carry it. */
export interface ModuleSpec {
  /** The module file (.ts, .mts, .cts, .js, .mjs, .cjs) exporting `objective(trial)` (or a default function). */
  path: string;
  /** Folder a relative `path` is resolved against. @defaultValue process.cwd() */
  baseDir?: string;
  /** Fixed environment values for the child (server variables are refused). */
  env?: Readonly<Record<string, string>>;
  /** Names passed through from the worker's environment, on top of PATH, HOME, LANG, LC_ALL, TZ, TMPDIR. */
  passEnv?: readonly string[];
  /** `heapMb`, `wallTimeMs`, `outputBytes`, `killGraceMs` (an address-space `memoryMb` would break V8). */
  limits?: SandboxLimits;
}

export interface ResolvedModuleSpec {
  readonly path: string;
  readonly env: Readonly<Record<string, string>>;
  readonly passEnv: readonly string[];
  readonly limits: ResolvedLimits;
}

/** The trial the child's calls go to: the study's live Trial, or a worker's equivalent. */
export type ModuleTrial = Pick<
  Trial,
  | 'number'
  | 'trialId'
  | 'paramsSoFar'
  | 'userAttrs'
  | 'systemAttrs'
  | 'suggestFloat'
  | 'suggestInt'
  | 'suggestCategorical'
  | 'report'
  | 'shouldPrune'
  | 'setUserAttr'
>;

export interface RunModuleTrialOptions extends RunPlacement {
  spec: ModuleSpec | ResolvedModuleSpec;
  trial: ModuleTrial;
  /** Given to the child as TUNEFORGE_STUDY. @defaultValue '' */
  studyName?: string;
  /** The environment the allowlist picks from. @defaultValue process.env */
  parentEnv?: NodeJS.ProcessEnv;
}

export type ModuleOutcome = OutcomeCommon &
  (
    | {
        readonly state: 'COMPLETE';
        readonly value: number | readonly number[];
        /** When the objective returned `{ values, constraints }`: finite, ≤ 0 where one holds; else null. */
        readonly constraints: readonly number[] | null;
      }
    | { readonly state: 'PRUNED'; readonly message: string }
    | (FailedRun & {
        /** The name of the error the module threw (or failed to load with), else null. */
        readonly errorName: string | null;
      })
  );

const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const TS_EXTENSIONS = ['.ts', '.mts', '.cts'];
/** Longest trial-channel message accepted. */
const MAX_MESSAGE_CHARS = 1024 * 1024;
/** What V8 prints when --max-old-space-size is reached. */
const HEAP_EXHAUSTED = /JavaScript heap out of memory|Reached heap limit|Allocation failed/;

// The child entry sits next to this file: child-entry.ts when running from source (tsx then compiles it),
// child-entry.js in the build.
const CHILD_ENTRY = join(__dirname, `child-entry${extname(__filename)}`);

const resolvedSpecs = new WeakSet<object>();

/** The nearest tsconfig.json above `file`, so that tsx honours the module's path aliases from any cwd. */
function nearestTsconfig(file: string): string | null {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const candidate = join(dir, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Whether the nearest package.json above `file` says "type": "module". */
function inEsmPackage(file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        return (JSON.parse(readFileSync(candidate, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return false;
  }
}

/**
 * The node flags that let the child compile TypeScript, or null when nothing needs compiling. tsx's
 * CommonJS hook (`--require tsx/cjs`) starts in about half the time of its ES-module loader (`--import tsx`,
 * which runs its hooks on a separate thread), so the loader is used only for TypeScript that is an ES module.
 */
function tsxLoader(modulePath: string): string[] | null {
  const ext = extname(modulePath);
  if (ext === '.mts' || (ext === '.ts' && inEsmPackage(modulePath)))
    return ['--import', pathToFileURL(require.resolve('tsx')).href];
  if (TS_EXTENSIONS.includes(extname(CHILD_ENTRY)) || TS_EXTENSIONS.includes(ext))
    return ['--require', require.resolve('tsx/cjs')];
  return null;
}

/**
 * Validates a module spec (or a bare path) and fills its defaults (a spec already resolved is returned as
 * is). @throws InvalidObjectiveSpecError naming the field
 */
export function resolveModuleSpec(spec: ModuleSpec | ResolvedModuleSpec | string): ResolvedModuleSpec {
  if (typeof spec === 'object' && spec !== null && resolvedSpecs.has(spec)) return spec as ResolvedModuleSpec;
  const s: ModuleSpec = typeof spec === 'string' ? { path: spec } : (spec as ModuleSpec);
  if (!s || typeof s !== 'object')
    throw new InvalidObjectiveSpecError(`module spec must be an object, got ${JSON.stringify(s)}`, null);
  if (typeof s.path !== 'string' || s.path.length === 0) {
    throw new InvalidObjectiveSpecError(
      `path must be a non-empty string, got ${JSON.stringify(s.path)}`,
      'path',
    );
  }
  const path = resolve(s.baseDir ?? process.cwd(), s.path);
  if (!MODULE_EXTENSIONS.includes(extname(path))) {
    throw new InvalidObjectiveSpecError(
      `path must name a ${MODULE_EXTENSIONS.join(', ')} file, got ${JSON.stringify(s.path)}`,
      'path',
    );
  }
  if (!existsSync(path) || !statSync(path).isFile())
    throw new InvalidObjectiveSpecError(`path: no module file at ${path}`, 'path');
  const { env, passEnv } = resolveEnvFields(s.env, s.passEnv);
  const limits = resolveLimits(s.limits);
  if (limits.memoryMb !== undefined) {
    throw new InvalidObjectiveSpecError(
      'limits.memoryMb (an address-space cap) would stop V8 from starting; use limits.heapMb for a module objective',
      'limits.memoryMb',
    );
  }
  const resolved: ResolvedModuleSpec = Object.freeze({
    path,
    env: Object.freeze(env),
    passEnv: Object.freeze(passEnv),
    limits: Object.freeze(limits),
  });
  resolvedSpecs.add(resolved);
  return resolved;
}

/** How the module runner names what it started, in fail reasons. */
const SUBJECT = { program: 'node', stopped: 'the module' } as const;

function isObjectiveValue(v: unknown): v is number | number[] {
  return typeof v === 'number' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number'));
}

/**
 * What the objective returned, read: a number, an array of numbers, or `{ values, constraints }` with
 * constraint values stored as a study's `constraintsFunc` stores them (finite, since they are JSON).
 * A string says why it is none of these.
 */
export function readObjectiveResult(
  returned: unknown,
): { value: number | number[]; constraints: number[] | null } | string {
  if (isObjectiveValue(returned)) return { value: returned, constraints: null };
  const shown = String(JSON.stringify(returned));
  const expected = 'a number, an array of numbers or { values, constraints }';
  if (!returned || typeof returned !== 'object' || Array.isArray(returned))
    return `the objective returned ${shown}, which is not ${expected}`;
  const { values, constraints, ...rest } = returned as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0)
    return `the objective returned an object with ${extra.map((k) => JSON.stringify(k)).join(', ')}; expected ${expected}`;
  if (!isObjectiveValue(values))
    return `the objective returned values ${String(JSON.stringify(values))}, which is not a number or an array of numbers`;
  if (constraints === undefined) return { value: values, constraints: null };
  if (!Array.isArray(constraints) || constraints.some((c) => typeof c !== 'number' || !Number.isFinite(c))) {
    // NaN and Infinity come through the channel as numbers; String shows them where JSON would say null.
    const given = Array.isArray(constraints)
      ? `[${constraints.map(String).join(', ')}]`
      : String(JSON.stringify(constraints));
    return `the objective returned constraints ${given}, which must be an array of finite numbers (≤ 0 where a constraint holds)`;
  }
  return { value: values, constraints: [...(constraints as number[])] };
}

/** Answers one call of the child with the real trial. */
async function dispatch(trial: ModuleTrial, method: TrialMethod, args: unknown[]): Promise<unknown> {
  const a = args as [never, never, never, never];
  switch (method) {
    case 'suggestFloat':
      return trial.suggestFloat(...a);
    case 'suggestInt':
      return trial.suggestInt(...a);
    case 'suggestCategorical':
      return trial.suggestCategorical(a[0], a[1]);
    case 'report':
      return trial.report(a[0], a[1]);
    case 'shouldPrune':
      return trial.shouldPrune();
    case 'setUserAttr':
      return trial.setUserAttr(a[0], a[1] as JsonValue);
    case 'get': {
      const property = args[0];
      if (!(TRIAL_PROPERTIES as readonly unknown[]).includes(property)) {
        throw new TypeError(`trial.${String(property)} cannot be read from a module objective`);
      }
      return trial[property as (typeof TRIAL_PROPERTIES)[number]];
    }
  }
}

function isChildMessage(m: unknown): m is ChildMessage {
  if (!m || typeof m !== 'object') return false;
  const x = m as Record<string, unknown>;
  if (typeof x.id !== 'number') return false;
  if (x.op === 'call')
    return (TRIAL_METHODS as readonly unknown[]).includes(x.method) && Array.isArray(x.args);
  if (x.op === 'done') return isOutcome(x.outcome);
  return false;
}

/** The module itself can write on fd 3, so even our own child's outcome is checked before use. */
function isOutcome(o: unknown): o is ChildOutcome {
  if (!o || typeof o !== 'object') return false;
  const x = o as Record<string, unknown>;
  const isError = (e: unknown) =>
    !!e &&
    typeof e === 'object' &&
    typeof (e as RemoteError).name === 'string' &&
    typeof (e as RemoteError).message === 'string';
  switch (x.kind) {
    case 'result':
      // An objective that returned undefined sends no `value` at all.
      return true;
    case 'pruned':
      return typeof x.message === 'string';
    case 'error':
    case 'load-error':
      return isError(x.error);
    default:
      return false;
  }
}

/**
 * Runs one trial of a module objective in a child process and says how it ended. Faults of the module come
 * back as a FAIL outcome; only a bad spec throws. @throws InvalidObjectiveSpecError
 */
export async function runModuleTrial(options: RunModuleTrialOptions): Promise<ModuleOutcome> {
  const spec = resolveModuleSpec(options.spec);
  const { limits } = spec;
  const { trial } = options;
  const nodeArgs: string[] = [];
  if (limits.heapMb !== undefined)
    nodeArgs.push(`--max-old-space-size=${Math.max(1, Math.floor(limits.heapMb))}`);
  const env: Record<string, string> = { ...spec.env };
  const loader = tsxLoader(spec.path);
  if (loader) {
    nodeArgs.push(...loader);
    const tsconfig = nearestTsconfig(spec.path);
    if (tsconfig && env.TSX_TSCONFIG_PATH === undefined) env.TSX_TSCONFIG_PATH = tsconfig;
  }

  return withTrialRun(options, trial.number, async (run): Promise<ModuleOutcome> => {
    const { workdir, logTail } = run;
    const childEnv = buildChildEnv(options.parentEnv ?? process.env, {
      passEnv: spec.passEnv,
      env,
      tuneforge: {
        TUNEFORGE_TRIAL_NUMBER: String(trial.number),
        TUNEFORGE_TRIAL_ID: String(trial.trialId),
        TUNEFORGE_STUDY: options.studyName ?? '',
        TUNEFORGE_WORKDIR: workdir,
      },
    });
    const proc: SandboxProcess = new SandboxProcess({
      file: process.execPath,
      args: [...nodeArgs, CHILD_ENTRY, spec.path],
      cwd: workdir,
      env: childEnv,
      ...processLimits(limits),
      signal: options.signal,
      extraPipes: 1,
      onLine: (line, truncated) => logTail.append(`${line}${truncated ? '…' : ''}\n`),
    });

    let done: ChildOutcome | null = null;
    // Calls are answered one at a time, in order (the child blocks on each anyway).
    let chain: Promise<void> = Promise.resolve();
    const channel = proc.child.stdio[3] as NodeJS.ReadWriteStream | null;
    const protocolError = (message: string) =>
      proc.stop({ kind: 'protocol', message: `trial channel: ${message}` });
    const channelLines = new LineSplitter(MAX_MESSAGE_CHARS, (line, truncated) => {
      if (truncated) return protocolError(`a message longer than ${MAX_MESSAGE_CHARS} characters`);
      let message: unknown;
      try {
        message = decodeMessage(line);
      } catch {
        return protocolError(`not JSON: ${JSON.stringify(line.slice(0, 200))}`);
      }
      if (!isChildMessage(message))
        return protocolError(`unexpected message ${JSON.stringify(line.slice(0, 200))}`);
      if (message.op === 'done') {
        done ??= message.outcome;
        return;
      }
      const { id, method, args } = message;
      chain = chain.then(async () => {
        let answer: string;
        try {
          answer = encodeMessage({ id, ok: true, value: (await dispatch(trial, method, args)) ?? null });
        } catch (e) {
          answer = encodeMessage({ id, ok: false, error: toRemoteError(e) });
        }
        channel?.write(answer);
      });
    });
    channel?.on('data', (chunk: Buffer) => channelLines.push(chunk));

    const exit: ProcessExit = await proc.done;
    await chain;
    const common = (): OutcomeCommon => run.common(exit);
    const fail = (kind: FailureKind, reason: string, errorName: string | null = null): ModuleOutcome => ({
      ...common(),
      state: 'FAIL',
      kind,
      reason,
      errorName,
    });

    // The module runner never prunes by stopping the child (a pruned module throws TrialPruned itself).
    const stopped = sandboxFailure(exit, limits, SUBJECT);
    if (stopped) return fail(stopped.kind, stopped.reason);

    const outcome = done as ChildOutcome | null;
    if (outcome) {
      switch (outcome.kind) {
        case 'result': {
          const read = readObjectiveResult(outcome.value);
          if (typeof read === 'string') return fail('objective', read);
          return { ...common(), state: 'COMPLETE', ...read };
        }
        case 'pruned':
          return { ...common(), state: 'PRUNED', message: outcome.message };
        case 'error':
          // The error's own message, as an in-process objective's would be, so fail reasons read the same.
          return fail('objective', outcome.error.message, outcome.error.name);
        case 'load-error':
          return fail(
            'spawn',
            `could not load ${spec.path}: ${outcome.error.name}: ${outcome.error.message}`,
            outcome.error.name,
          );
      }
    }
    if (limits.heapMb !== undefined && HEAP_EXHAUSTED.test(exit.stderrTail)) {
      // Without the stderr tail: V8's report of its last collections and native stack fills it.
      return fail(
        'memory',
        `heap limit of ${limits.heapMb} MiB exceeded: the module ran out of JavaScript heap`,
      );
    }
    if (exit.code === 0) {
      return fail(
        'no-result',
        withStderr(
          'the module exited with code 0 before its objective returned (process.exit?)',
          exit.stderrTail,
        ),
      );
    }
    const exited = exitFailure(exit, "the module's process");
    return fail(exited.kind, exited.reason);
  });
}

export interface ModuleObjectiveOptions extends RunPlacement {
  /** Given to the child as TUNEFORGE_STUDY. @defaultValue '' */
  studyName?: string;
  /** Called with each outcome before the objective returns or throws. */
  onOutcome?(trialNumber: number, outcome: ModuleOutcome): void | Promise<void>;
}

/**
 * An objective for `study.optimize` that runs the module's `objective(trial)` in a child process against
 * the study's trial. Constraints the module returns (`{ values, constraints }`) go to the trial's
 * `constraints` system attribute, where a study's `constraintsFunc` stores them. The module's own error ends the trial FAIL with its message, `TrialPruned` (matched by
 * name) ends it PRUNED, and a sandbox fault (limit, crash) ends it FAIL; FAILs throw `ObjectiveFailedError`
 * (pass `catch: [ObjectiveFailedError]` to `optimize` to go on after them).
 * @throws InvalidObjectiveSpecError at once for a bad spec
 */
export function moduleObjective(
  spec: ModuleSpec | ResolvedModuleSpec | string,
  options: ModuleObjectiveOptions = {},
): Objective {
  const resolved = resolveModuleSpec(spec);
  return async (trial) => {
    const outcome = await runModuleTrial({
      spec: resolved,
      trial,
      studyName: options.studyName,
      ...placementOf(options),
    });
    await options.onOutcome?.(trial.number, outcome);
    return settleOutcome(
      trial,
      outcome,
      (complete) => complete.value,
      (pruned) => pruned.message,
    );
  };
}

/**
 * An objective run in this process that may return `{ values, constraints }`, as a module objective may in
 * its child process: the constraints go to the trial's `constraints` system attribute and the values to
 * the study. Anything else it returns is passed on as it is (the study judges it); a `{ values,
 * constraints }` that is not valid throws `ObjectiveFailedError` (kind `objective`) saying why.
 */
export function withReturnedConstraints(objective: (trial: Trial) => unknown): Objective {
  return async (trial) => {
    const returned = await objective(trial);
    if (!returned || typeof returned !== 'object' || Array.isArray(returned)) return returned as number;
    const read = readObjectiveResult(returned);
    if (typeof read === 'string') throw new ObjectiveFailedError(read, 'objective');
    storeConstraints(trial, read.constraints);
    return read.value;
  };
}
