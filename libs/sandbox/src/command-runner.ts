/**
 * Command objectives: any program, any language. The program gets its parameters as JSON in
 * TUNEFORGE_PARAMS (and in the file named by TUNEFORGE_PARAMS_FILE), runs in a fresh folder with an
 * allowlisted environment, and talks back on stdout with the line protocol (line-protocol.ts). No shell is
 * involved anywhere: argv goes to execve as is, and parameters never appear on a command line.
 */
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  type JsonValue,
  type Objective,
  type ParamValue,
  type SearchSpaceDefinition,
  suggestFromSpace,
} from '@tuneforge/core';
import { buildChildEnv, resolveEnvFields } from './env-allowlist';
import { InvalidObjectiveSpecError, SandboxUnavailableError } from './errors';
import { resolveLimits, type ResolvedLimits, type SandboxLimits } from './limits';
import { parseProtocolLine, ProtocolError, PROTOCOL_PREFIX } from './line-protocol';
import {
  describeExit,
  exitFailure,
  MAX_LINE_CHARS,
  placementOf,
  processLimits,
  sandboxFailure,
  settleOutcome,
  withStderr,
  withTrialRun,
} from './run-outcome';
import type { FailedRun, OutcomeCommon, RunPlacement } from './run-outcome';
import {
  findExecutable,
  memoryLimitPrefix,
  networkIsolationPrefix,
  probeSandbox,
  type MemoryLimiter,
} from './sandbox-capabilities';
import { SandboxProcess, type ProcessExit } from './sandbox-process';

/** What to run. Plain JSON, so that a manifest or a study definition can carry it. */
export interface CommandSpec {
  /** Program and arguments, passed to execve without a shell. The program is looked up on the child's PATH. */
  argv: readonly string[];
  /**
   * Folder against which relative paths in `argv` are resolved: the command runs in a fresh folder, so an
   * argument naming an existing file or folder relative to `baseDir` (e.g. `examples/python/train.py`) is
   * made absolute. @defaultValue process.cwd()
   */
  baseDir?: string;
  /** Fixed environment values for the program (server variables are refused). */
  env?: Readonly<Record<string, string>>;
  /** Names passed through from the worker's environment, on top of PATH, HOME, LANG, LC_ALL, TZ, TMPDIR. */
  passEnv?: readonly string[];
  limits?: SandboxLimits;
  /** `'none'` runs the program in an empty network namespace (root and unshare(1) needed). @defaultValue 'inherit' */
  network?: 'inherit' | 'none';
}

/** A command spec after validation, with its defaults filled in. */
export interface ResolvedCommandSpec {
  readonly argv: readonly string[];
  readonly baseDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly passEnv: readonly string[];
  readonly limits: ResolvedLimits;
  readonly network: 'inherit' | 'none';
}

export interface RunCommandTrialOptions extends RunPlacement {
  spec: CommandSpec | ResolvedCommandSpec;
  /** The trial's parameters (external values), already sampled. */
  params: Readonly<Record<string, ParamValue>>;
  trialNumber: number;
  studyName: string;
  /**
   * Called for each `tuneforge:report` line, one at a time and in order; resolve `true` to prune (the
   * process group is then stopped and the outcome is PRUNED). A rejection ends the trial FAIL.
   */
  onReport?(value: number, step: number): boolean | Promise<boolean>;
  /** Called for each `tuneforge:attr` line, in order with the reports. */
  onAttr?(key: string, value: JsonValue): void | Promise<void>;
  /** The environment the allowlist picks from. @defaultValue process.env */
  parentEnv?: NodeJS.ProcessEnv;
}

/** What a command's run said besides its result, whatever its state. */
interface CommandRecords {
  readonly reports: ReadonlyArray<{ step: number; value: number }>;
  readonly attrs: Readonly<Record<string, JsonValue>>;
}

export type CommandOutcome = OutcomeCommon &
  CommandRecords &
  (
    | {
        readonly state: 'COMPLETE';
        readonly values: readonly number[];
        /** From the result line's `constraints=` (finite, ≤ 0 where one holds), else null. */
        readonly constraints: readonly number[] | null;
      }
    | { readonly state: 'PRUNED'; readonly step: number | null }
    | FailedRun
  );

/** What the result line said. */
interface ResultLine {
  values: readonly number[];
  constraints: readonly number[] | null;
}

/** What allocators and runtimes print when an allocation fails under RLIMIT_AS. */
const OUT_OF_MEMORY =
  /MemoryError|Cannot allocate memory|out of memory|bad_alloc|memory exhausted|failed to allocate|ENOMEM/i;

/** Specs that went through resolveCommandSpec, so that a run does not validate them again. */
const resolvedSpecs = new WeakSet<object>();

function isResolved(spec: CommandSpec | ResolvedCommandSpec): spec is ResolvedCommandSpec {
  return resolvedSpecs.has(spec);
}

/**
 * Validates a command spec and fills its defaults (a spec already resolved is returned as is).
 * @throws InvalidObjectiveSpecError naming the field
 */
export function resolveCommandSpec(spec: CommandSpec | ResolvedCommandSpec): ResolvedCommandSpec {
  if (isResolved(spec)) return spec;
  if (!spec || typeof spec !== 'object')
    throw new InvalidObjectiveSpecError(`command spec must be an object, got ${JSON.stringify(spec)}`, null);
  const { argv } = spec;
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string')) {
    throw new InvalidObjectiveSpecError(
      `argv must be a non-empty array of strings, got ${JSON.stringify(argv)}`,
      'argv',
    );
  }
  if (argv[0].length === 0)
    throw new InvalidObjectiveSpecError('argv[0] (the program) must not be empty', 'argv');
  const nul = argv.findIndex((a) => a.includes('\0'));
  if (nul >= 0) throw new InvalidObjectiveSpecError(`argv[${nul}] contains a NUL character`, 'argv');
  if (spec.baseDir !== undefined && (typeof spec.baseDir !== 'string' || spec.baseDir.length === 0)) {
    throw new InvalidObjectiveSpecError(
      `baseDir must be a non-empty path, got ${JSON.stringify(spec.baseDir)}`,
      'baseDir',
    );
  }
  const { env, passEnv } = resolveEnvFields(spec.env, spec.passEnv);
  const limits = resolveLimits(spec.limits);
  if (limits.heapMb !== undefined) {
    throw new InvalidObjectiveSpecError(
      'limits.heapMb applies to module objectives; use limits.memoryMb for a command',
      'limits.heapMb',
    );
  }
  const network = spec.network ?? 'inherit';
  if (network !== 'inherit' && network !== 'none') {
    throw new InvalidObjectiveSpecError(
      `network must be 'inherit' or 'none', got ${JSON.stringify(network)}`,
      'network',
    );
  }
  const resolved: ResolvedCommandSpec = Object.freeze({
    argv: Object.freeze([...argv]),
    baseDir: resolve(spec.baseDir ?? process.cwd()),
    env: Object.freeze(env),
    passEnv: Object.freeze(passEnv),
    limits: Object.freeze(limits),
    network,
  });
  resolvedSpecs.add(resolved);
  return resolved;
}

/** Arguments naming an existing path relative to baseDir become absolute (the command runs elsewhere). */
function absoluteArgs(args: readonly string[], baseDir: string): string[] {
  return args.map((a) =>
    a && !a.startsWith('-') && !isAbsolute(a) && existsSync(join(baseDir, a)) ? join(baseDir, a) : a,
  );
}

/** How the command runner names what it started, in fail reasons. */
const SUBJECT = { program: 'the command', stopped: 'the process group' } as const;

/** The FAIL (or PRUNED) that an ended process deserves, or null when it ended cleanly. */
function classify(
  exit: ProcessExit,
  limits: ResolvedLimits,
  limiter: MemoryLimiter | null,
): { state: 'PRUNED' } | FailedRun | null {
  if (!exit.spawnError && exit.stopReason?.kind === 'prune') return { state: 'PRUNED' };
  const failure = sandboxFailure(exit, limits, SUBJECT);
  if (failure) return failure;
  if (exit.code === 0) return null;
  if (limits.memoryMb !== undefined && OUT_OF_MEMORY.test(exit.stderrTail)) {
    return {
      state: 'FAIL',
      kind: 'memory',
      reason: withStderr(
        `memory limit of ${limits.memoryMb} MiB exceeded (address space, ${limiter}): the command ${describeExit(exit)}`,
        exit.stderrTail,
      ),
    };
  }
  return exitFailure(exit, SUBJECT.program);
}

/**
 * Runs one trial of a command objective and says how it ended. Faults of the program (exit code, limits,
 * protocol) come back as a FAIL outcome; only a bad spec or a missing isolation throws.
 * @throws InvalidObjectiveSpecError, SandboxUnavailableError
 */
export async function runCommandTrial(options: RunCommandTrialOptions): Promise<CommandOutcome> {
  const spec = resolveCommandSpec(options.spec);
  const { limits } = spec;
  const prefix: string[] = [];
  if (spec.network === 'none') prefix.push(...(await networkIsolationPrefix()));
  let limiter: MemoryLimiter | null = null;
  if (limits.memoryMb !== undefined) {
    limiter = (await probeSandbox()).memoryLimiter;
    if (!limiter)
      throw new SandboxUnavailableError(
        'a memory limit was requested but neither prlimit nor /bin/sh ulimit works here',
      );
    prefix.push(...memoryLimitPrefix(limiter, Math.floor(limits.memoryMb * 1024 * 1024)));
  }

  const paramsJson = JSON.stringify(options.params);
  return withTrialRun(options, options.trialNumber, async (run): Promise<CommandOutcome> => {
    const { workdir, logTail } = run;
    const paramsFile = join(workdir, 'params.json');
    const reports: Array<{ step: number; value: number }> = [];
    const attrs: Record<string, JsonValue> = {};
    let exit: ProcessExit | null = null;
    await writeFile(paramsFile, paramsJson, 'utf8');
    const env = buildChildEnv(options.parentEnv ?? process.env, {
      passEnv: spec.passEnv,
      env: spec.env,
      tuneforge: {
        TUNEFORGE_PARAMS: paramsJson,
        TUNEFORGE_PARAMS_FILE: paramsFile,
        TUNEFORGE_TRIAL_NUMBER: String(options.trialNumber),
        TUNEFORGE_STUDY: options.studyName,
        TUNEFORGE_WORKDIR: workdir,
      },
    });
    const program = findExecutable(spec.argv[0], env.PATH, spec.baseDir);
    const common = (): OutcomeCommon & CommandRecords => ({
      ...run.common(exit),
      reports,
      attrs,
    });
    if (!program) {
      return {
        ...common(),
        state: 'FAIL',
        kind: 'spawn',
        reason: `could not start the command: '${spec.argv[0]}' is not an executable file${spec.argv[0].includes('/') ? '' : ` on PATH (${env.PATH})`}`,
      };
    }
    const argv = [...prefix, program, ...absoluteArgs(spec.argv.slice(1), spec.baseDir)];

    let result: ResultLine | null = null;
    let prunedAt: number | null = null;
    // A callback can fail after the program exited (too late to stop it); the trial must still not COMPLETE.
    let callbackFailure: string | null = null;
    let lineNumber = 0;
    // Callbacks run one at a time in line order (a report must be stored before the next is judged).
    let chain: Promise<void> = Promise.resolve();
    const proc: SandboxProcess = new SandboxProcess({
      file: argv[0],
      args: argv.slice(1),
      cwd: workdir,
      env,
      ...processLimits(limits),
      signal: options.signal,
      onLine: (line, truncated) => {
        lineNumber++;
        const protocolError = (message: string) =>
          proc.stop({ kind: 'protocol', message: `stdout line ${lineNumber}: ${message}` });
        if (truncated) {
          if (line.startsWith(PROTOCOL_PREFIX))
            protocolError(new ProtocolError(line, `longer than ${MAX_LINE_CHARS} characters`).message);
          else logTail.append(`${line}…\n`);
          return;
        }
        let record;
        try {
          record = parseProtocolLine(line);
        } catch (e) {
          // Only ProtocolError is expected; anything else must still not escape into the stream handler.
          return protocolError(e instanceof Error ? e.message : String(e));
        }
        if (record === null) return logTail.append(`${line}\n`);
        if (record.kind === 'result') {
          if (result !== null)
            return protocolError(`a second result line ${JSON.stringify(line)}; a trial has one result`);
          result = { values: record.values, constraints: record.constraints };
          return;
        }
        const run = (what: string, call: () => Promise<void>) => {
          chain = chain.then(call).catch((e: unknown) => {
            const message = `${what} failed: ${e instanceof Error ? e.message : String(e)}`;
            callbackFailure ??= message;
            proc.stop({ kind: 'callback', message });
          });
        };
        if (record.kind === 'report') {
          const { step, value } = record;
          reports.push({ step, value });
          if (options.onReport) {
            const onReport = options.onReport;
            run(`report of step ${step}`, async () => {
              if (prunedAt !== null) return;
              if (await onReport(value, step)) {
                prunedAt = step;
                proc.stop({ kind: 'prune' });
              }
            });
          }
        } else {
          const { key, value } = record;
          attrs[key] = value;
          if (options.onAttr) {
            const onAttr = options.onAttr;
            run(`attr '${key}'`, async () => onAttr(key, value));
          }
        }
      },
    });
    exit = await proc.done;
    await chain;

    const verdict = classify(exit, limits, limiter);
    if (callbackFailure !== null && (verdict === null || verdict.state === 'PRUNED')) {
      return { ...common(), state: 'FAIL', kind: 'callback', reason: callbackFailure };
    }
    if (verdict?.state === 'PRUNED') return { ...common(), state: 'PRUNED', step: prunedAt };
    if (verdict) return { ...common(), ...verdict };
    // Assigned in the line callback, which the compiler does not follow.
    const final = result as ResultLine | null;
    if (final === null) {
      return {
        ...common(),
        state: 'FAIL',
        kind: 'no-result',
        reason: withStderr(
          `the command exited with code 0 without printing a result line (${PROTOCOL_PREFIX}result value=<number>)`,
          exit.stderrTail,
        ),
      };
    }
    return { ...common(), state: 'COMPLETE', values: final.values, constraints: final.constraints };
  });
}

export interface CommandObjectiveOptions extends RunPlacement {
  /** The parameters to suggest (in order, conditions respected) before each run. */
  space: SearchSpaceDefinition;
  /** Given to the program as TUNEFORGE_STUDY. */
  studyName: string;
  /** Ask `trial.shouldPrune()` after each report. @defaultValue true */
  pruning?: boolean;
  /** Called with each outcome before the objective returns or throws (e.g. to log the stderr tail). */
  onOutcome?(trialNumber: number, outcome: CommandOutcome): void | Promise<void>;
}

/**
 * An objective for `study.optimize` that suggests the space's parameters and runs the command on them:
 * reports go to `trial.report` (then `trial.shouldPrune()` may stop the program), attrs to
 * `trial.setUserAttr`, a result's constraints to the trial's `constraints` system attribute (where a study's
 * `constraintsFunc` stores them, so samplers and `bestTrials` read them alike); a FAIL outcome throws `ObjectiveFailedError` (pass `catch: [ObjectiveFailedError]`
 * to `optimize` to go on after it), PRUNED throws `TrialPruned`.
 * @throws InvalidObjectiveSpecError at once for a bad spec
 */
export function commandObjective(
  spec: CommandSpec | ResolvedCommandSpec,
  options: CommandObjectiveOptions,
): Objective {
  const resolved = resolveCommandSpec(spec);
  const pruning = options.pruning ?? true;
  return async (trial) => {
    const params = suggestFromSpace(trial, options.space);
    const outcome = await runCommandTrial({
      spec: resolved,
      params,
      trialNumber: trial.number,
      studyName: options.studyName,
      onReport: async (value, step) => {
        await trial.report(value, step);
        return pruning && trial.shouldPrune();
      },
      onAttr: (key, value) => trial.setUserAttr(key, value),
      ...placementOf(options),
    });
    await options.onOutcome?.(trial.number, outcome);
    return settleOutcome(
      trial,
      outcome,
      (complete) => (complete.values.length === 1 ? complete.values[0] : complete.values),
      (pruned) => (pruned.step === null ? 'Trial was pruned.' : `Pruned at step ${pruned.step}.`),
    );
  };
}
