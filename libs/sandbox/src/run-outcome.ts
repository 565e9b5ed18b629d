/**
 * How a sandboxed run ended, as the command and module runners both say it: the fields every outcome has,
 * the FAIL that a sandbox stop or an unclean exit means, the stderr tail quoted in a reason, the trial's
 * folder, and what an objective does with an outcome (store its constraints, throw its failure). What differs
 * between the two runners (a result line against a returned value, the address-space cap against the heap
 * cap) stays in each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSTRAINTS_ATTR, type Trial } from '@tuneforge/core';
import { ObjectiveFailedError, type FailureKind } from './errors';
import { formatBytes, formatMs, type ResolvedLimits } from './limits';
import type { TailBuffer } from './output-capture';
import type { ProcessExit } from './sandbox-process';

/** Characters of stdout log and of stderr kept on the outcome. */
export const TAIL_CHARS = 8192;
/** Characters of stderr quoted in a fail reason. */
const REASON_TAIL_CHARS = 2000;
/** Longest stdout line kept whole: a longer protocol line is malformed, a longer log line is cut. */
export const MAX_LINE_CHARS = 64 * 1024;

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

/** The common fields of an outcome; `exit` is null when the process never ran. */
export function outcomeCommon(
  exit: ProcessExit | null,
  logTail: TailBuffer,
  workdir: string | null,
): OutcomeCommon {
  return {
    exitCode: exit?.code ?? null,
    signal: exit?.signal ?? null,
    durationMs: exit?.durationMs ?? 0,
    logTail: logTail.toString(),
    stderrTail: exit?.stderrTail ?? '',
    workdir,
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

/**
 * Runs `run` in a fresh folder for the trial (under `workdirRoot`, else the system's temporary folder), and
 * removes the folder afterwards unless `keepWorkdir` asks to keep it.
 */
export async function inTrialWorkdir<T>(
  options: { readonly workdirRoot?: string; readonly keepWorkdir?: boolean },
  trialNumber: number,
  run: (workdir: string) => Promise<T>,
): Promise<T> {
  const workdir = await mkdtemp(join(options.workdirRoot ?? tmpdir(), `tuneforge-trial-${trialNumber}-`));
  try {
    return await run(workdir);
  } finally {
    if (!options.keepWorkdir) await rm(workdir, { recursive: true, force: true });
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

/** The error an objective throws for a FAIL run, so that `study.optimize` ends the trial FAIL with the reason. */
export function failedRunError(outcome: FailedRun): ObjectiveFailedError {
  return new ObjectiveFailedError(outcome.reason, outcome.kind);
}
