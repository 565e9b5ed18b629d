/**
 * Typed errors of the core. Each edge (REST filter, CLI, worker) maps them once:
 * e.g. TrialAlreadyFinishedError → 409, StudyNotFoundError → 404, InvalidDistributionError → 400.
 */
export class TuneforgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A distribution's arguments are inconsistent (low > high, log with low <= 0, ...). */
export class InvalidDistributionError extends TuneforgeError {}

/** One parameter name was suggested with two different distributions in the same trial. */
export class DistributionConflictError extends TuneforgeError {}

/** A value, option or argument given by the caller is not acceptable. */
export class InvalidArgumentError extends TuneforgeError {}
/** A study continued with directions other than those it was created with. */
export class DirectionsMismatchError extends InvalidArgumentError {}

export class StudyNotFoundError extends TuneforgeError {}
export class DuplicateStudyError extends TuneforgeError {}
export class TrialNotFoundError extends TuneforgeError {}

/** A trial left RUNNING already; a second finish (or a write after the finish) is refused. */
export class TrialAlreadyFinishedError extends TuneforgeError {}

/**
 * Thrown by an objective to end its trial PRUNED, usually after `trial.shouldPrune()` said so.
 * Not a TuneforgeError on purpose: it is control flow, not a fault.
 */
export class TrialPruned extends Error {
  constructor(message = 'Trial was pruned.') {
    super(message);
    this.name = 'TrialPruned';
  }
}

/** An options object names an option its owner does not know (a typo, or another component's option). */
export class UnknownOptionError extends InvalidArgumentError {
  constructor(
    /** Who refused it, e.g. `TpeSampler` (prefixed with the field path at the edges). */
    readonly owner: string,
    readonly option: string,
    readonly known: readonly string[],
  ) {
    super(
      `${owner}: unknown option '${option}'; known options: ${known.length ? known.join(', ') : '(none)'}`,
    );
  }
}
