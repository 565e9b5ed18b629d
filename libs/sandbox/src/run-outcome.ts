/**
 * What the command and module runners share about a run: its folder and log tail, the limits its process
 * runs under, the fields every outcome has, the FAIL that a sandbox stop or an unclean exit means (with the
 * stderr tail quoted in the reason), and what an objective makes of an outcome (constraints stored, TrialPruned
 * or ObjectiveFailedError thrown). What differs between the two runners (a result line against a returned
 * value, the address-space cap against the heap cap) stays in each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSTRAINTS_ATTR, TrialPruned, type Trial } from '@tuneforge/core';
import { ObjectiveFailedError, type FailureKind } from './errors';
import { formatBytes, formatMs, type ResolvedLimits } from './limits';
import { TailBuffer } from './output-capture';
import type { ProcessExit, SandboxProcessOptions } from './sandbox-process';

/** Characters of stdout log and of stderr kept on the outcome. */
const TAIL_CHARS = 8192;
/** Characters of stderr quoted in a fail reason. */
const REASON_TAIL_CHARS = 2000;
/** Longest stdout line kept whole: a longer protocol line is malformed, a longer log line is cut. */
export const MAX_LINE_CHARS = 64 * 1024;

/** Where a run's folder goes and what may stop it early: taken alike by both runners and both objectives. */
export interface RunPlacement {
  /** Keep the trial's folder for debugging (its path is in the outcome). @defaultValue false */
  keepWorkdir?: boolean;
  /** Where trial folders (the program's working folder) are created. @defaultValue os.tmpdir() */
  workdirRoot?: string;
  /** Aborting stops the process group; the outcome is FAIL (kind 'aborted'). */
  signal?: AbortSignal;
}

/** The placement part of an objective's options, to pass on to its runner. */
export function placementOf(options: RunPlacement): RunPlacement {
  return { keepWorkdir: options.keepWorkdir, workdirRoot: options.workdirRoot, signal: options.signal };
}

/** What every outcome says, whatever its state. */
export interface OutcomeCommon {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly durationMs: number;
  /** Last lines of the program's own stdout log (a command's protocol lines excluded). */
  readonly logTail: string;
  readonly stderrTail: string;
  /** The trial's folder when kept, else null. */
  readonly workdir: string | null;
}

/** A run that ended FAIL: `kind` for programs, `reason` for people (it becomes the trial's fail reason). */
export interface FailedRun {
  readonly state: 'FAIL';
  readonly kind: FailureKind;
  readonly reason: string;
}

/** The limits a sandboxed process runs under, and how much of its output is kept. */
export function processLimits(
  limits: ResolvedLimits,
): Pick<SandboxProcessOptions, 'wallTimeMs' | 'outputBytes' | 'killGraceMs' | 'tailChars' | 'maxLineChars'> {
  return {
    wallTimeMs: limits.wallTimeMs,
    outputBytes: limits.outputBytes,
    killGraceMs: limits.killGraceMs,
    tailChars: TAIL_CHARS,
    maxLineChars: MAX_LINE_CHARS,
  };
}

/** `reason`, followed by the last lines of stderr when there are any (clipped, so that reasons stay readable). */
export function withStderr(reason: string, stderrTail: string): string {
  const trimmed = stderrTail.trimEnd();
  const t = trimmed.length > REASON_TAIL_CHARS ? `…${trimmed.slice(-REASON_TAIL_CHARS)}` : trimmed;
  return t ? `${reason}; stderr tail:\n${t}` : reason;
}

/** `exited with code 3` or `was killed by signal SIGSEGV`. */
export function describeExit(exit: ProcessExit): string {
  return exit.code !== null ? `exited with code ${exit.code}` : `was killed by signal ${exit.signal}`;
}

/** The FAIL of a process that ended on its own with a non-zero code or a signal; `subject` names it. */
export function exitFailure(exit: ProcessExit, subject: string): FailedRun {
  return {
    state: 'FAIL',
    kind: exit.code !== null ? 'exit' : 'signal',
    reason: withStderr(`${subject} ${describeExit(exit)}`, exit.stderrTail),
  };
}

/** How the runner names what it started, in fail reasons. */
export interface RunSubject {
  /** What could not start, e.g. `the command`, `node`. */
  readonly program: string;
  /** What the sandbox stopped, e.g. `the process group`, `the module`. */
  readonly stopped: string;
}

/**
 * The FAIL that the sandbox's own doing means: the program could not start, or the sandbox stopped it
 * (a limit, an abort, a protocol or callback fault). Null when neither happened, or when the stop was a
 * prune (the runner says PRUNED its own way).
 */
export function sandboxFailure(
  exit: ProcessExit,
  limits: ResolvedLimits,
  subject: RunSubject,
): FailedRun | null {
  const fail = (kind: FailureKind, reason: string): FailedRun => ({ state: 'FAIL', kind, reason });
  if (exit.spawnError) return fail('spawn', `could not start ${subject.program}: ${exit.spawnError.message}`);
  const stop = exit.stopReason;
  switch (stop?.kind) {
    case 'wall-time':
      return fail(
        'wall-time',
        `wall-time limit of ${formatMs(limits.wallTimeMs)} exceeded; ${subject.stopped} was stopped`,
      );
    case 'output':
      return fail(
        'output',
        `output limit of ${formatBytes(limits.outputBytes)} exceeded (stdout + stderr); ${subject.stopped} was stopped`,
      );
    case 'aborted':
      return fail('aborted', 'the run was aborted (the worker is shutting down)');
    case 'protocol':
    case 'callback':
      return fail(stop.kind, stop.message);
    default:
      return null;
  }
}

/** One run of a trial, as a runner builds its outcome: the trial's folder and the tail of the program's log. */
export interface TrialRun {
  /** A fresh folder for the trial, the program's working folder. */
  readonly workdir: string;
  /** The program's own stdout log (a command's protocol lines excluded), its last TAIL_CHARS characters. */
  readonly logTail: TailBuffer;
  /** The fields every outcome has; `exit` is null when the process never ran. */
  common(exit: ProcessExit | null): OutcomeCommon;
}

/**
 * Runs `run` in a fresh folder for the trial (under `workdirRoot`, else the system's temporary folder), and
 * removes the folder afterwards unless `keepWorkdir` asks to keep it.
 */
export async function withTrialRun<T>(
  options: RunPlacement,
  trialNumber: number,
  run: (trialRun: TrialRun) => Promise<T>,
): Promise<T> {
  const workdir = await mkdtemp(join(options.workdirRoot ?? tmpdir(), `tuneforge-trial-${trialNumber}-`));
  const logTail = new TailBuffer(TAIL_CHARS);
  const common = (exit: ProcessExit | null): OutcomeCommon => ({
    exitCode: exit?.code ?? null,
    signal: exit?.signal ?? null,
    durationMs: exit?.durationMs ?? 0,
    logTail: logTail.toString(),
    stderrTail: exit?.stderrTail ?? '',
    workdir: options.keepWorkdir ? workdir : null,
  });
  try {
    return await run({ workdir, logTail, common });
  } finally {
    if (!options.keepWorkdir) await rm(workdir, { recursive: true, force: true });
  }
}

/** The states of an outcome as an objective reads them. */
type SettledOutcome =
  | { readonly state: 'COMPLETE'; readonly constraints: readonly number[] | null }
  | { readonly state: 'PRUNED' }
  | FailedRun;

/**
 * What an objective makes of a run's outcome: a COMPLETE run's constraints go to the trial and `value` reads
 * what the study gets; PRUNED throws `TrialPruned` with `prunedMessage`; FAIL throws `ObjectiveFailedError`
 * (so that `study.optimize` ends the trial FAIL with the reason).
 */
export function settleOutcome<O extends SettledOutcome>(
  trial: Pick<Trial, 'setSystemAttr'>,
  outcome: O,
  value: (complete: Extract<O, { state: 'COMPLETE' }>) => number | readonly number[],
  prunedMessage: (pruned: Extract<O, { state: 'PRUNED' }>) => string,
): number | readonly number[] {
  const settled: SettledOutcome = outcome;
  switch (settled.state) {
    case 'COMPLETE':
      storeConstraints(trial, settled.constraints);
      return value(outcome as Extract<O, { state: 'COMPLETE' }>);
    case 'PRUNED':
      throw new TrialPruned(prunedMessage(outcome as Extract<O, { state: 'PRUNED' }>));
    case 'FAIL':
      throw new ObjectiveFailedError(settled.reason, settled.kind);
  }
}

/**
 * Stores the constraint values of a COMPLETE run on the trial, in the `constraints` system attribute where a
 * study's `constraintsFunc` stores them (so samplers and `bestTrials` read them alike). Null stores nothing.
 */
export function storeConstraints(
  trial: Pick<Trial, 'setSystemAttr'>,
  constraints: readonly number[] | null,
): void {
  if (constraints) trial.setSystemAttr(CONSTRAINTS_ATTR, [...constraints]);
}
