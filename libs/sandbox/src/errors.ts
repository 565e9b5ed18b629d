/**
 * Typed errors of the sandbox. Faults of the objective itself (a crash, a limit, a bad protocol line)
 * are not thrown by the runners: they come back as a FAIL outcome, and `commandObjective` /
 * `moduleObjective` turn them into an `ObjectiveFailedError` so that `study.optimize` ends the trial FAIL
 * with the reason. The other classes are configuration errors, raised before anything runs.
 */
import { TuneforgeError } from '@tuneforge/core';

/** Why a sandboxed trial ended FAIL, machine-readable (the message says it for humans). */
export type FailureKind =
  | 'exit' // non-zero exit code
  | 'signal' // killed by a signal the sandbox did not send
  | 'wall-time' // over the wall-clock limit
  | 'memory' // over the memory (address-space or heap) limit
  | 'output' // printed more than the output limit
  | 'protocol' // a malformed `tuneforge:` line or IPC message
  | 'no-result' // ended without a result
  | 'objective' // a module objective threw an error
  | 'callback' // the runner's own report/attr callback failed (e.g. storage down)
  | 'spawn' // the program could not be started
  | 'aborted'; // the caller aborted the run (worker shutting down)

/**
 * A sandboxed objective ended FAIL. `study.optimize` stores `message` as the trial's `fail_reason`;
 * pass `catch: [ObjectiveFailedError]` to let the study go on after it.
 */
export class ObjectiveFailedError extends TuneforgeError {
  constructor(
    message: string,
    readonly kind: FailureKind,
  ) {
    super(message);
  }
}

/** A command or module spec is invalid; `field` names the offending field (e.g. `argv`, `limits.wallTimeMs`). */
export class InvalidObjectiveSpecError extends TuneforgeError {
  constructor(
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

/** The operator asked for an isolation this machine cannot give (e.g. network isolation without root). */
export class SandboxUnavailableError extends TuneforgeError {}

/** An objective manifest of the registry is invalid; `file` and `field` say where. */
export class InvalidManifestError extends TuneforgeError {
  constructor(
    message: string,
    readonly file: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

/** A study refers to an objective name that the registry does not hold. */
export class UnknownObjectiveError extends TuneforgeError {}

/** A study carries a free-form command while the operator has not set TUNEFORGE_ALLOW_INLINE_COMMANDS=1. */
export class InlineCommandsDisabledError extends TuneforgeError {}

/**
 * The reason to abort a run with (`controller.abort(new RunDiscarded(why))`) when its result will not
 * be used — a platform worker that lost the trial's lease: the process group gets SIGKILL at once,
 * without the grace period a shutdown gives, so the run is gone before the trial can run elsewhere.
 */
export class RunDiscarded extends Error {
  constructor(readonly why: string) {
    super(`the run was discarded (${why})`);
    this.name = 'RunDiscarded';
  }
}
