/** One input at fault, as the api names it (`params.lr`, `leaseSeconds`, …). */
export interface FieldError {
  field: string;
  messages: string[];
}

/** An error answer of the api: its status, message, the fields at fault (400) and a 409's `reason`. */
export class TuneforgeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A 409's cause: `budget`, `timeout`, `stopped`, `completed`, `lease-lost`, `already-told`. */
    readonly reason: string | null = null,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'TuneforgeApiError';
  }
}

/**
 * The trial is no longer this client's: its lease lapsed (the platform runs it again or failed it) or
 * it ended. Stop running it; its result would not be kept.
 */
export class LeaseLostError extends Error {
  constructor(
    readonly trialNumber: number,
    message: string,
  ) {
    super(message);
    this.name = 'LeaseLostError';
  }
}

/**
 * Thrown by an objective to end its trial PRUNED (after `shouldPrune()` said so). The library's own
 * `TrialPruned` (@tuneforge/core) is recognised too, by its name, so one objective serves both.
 */
export class TrialPruned extends Error {
  constructor(message = 'Trial was pruned.') {
    super(message);
    this.name = 'TrialPruned';
  }
}

/** Whether `error` ends a trial PRUNED: this package's TrialPruned or the library's. */
export function isTrialPruned(error: unknown): boolean {
  return error instanceof Error && error.name === 'TrialPruned';
}
