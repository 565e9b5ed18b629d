/**
 * The only wall clock of the core. Everything that needs time (trial start/end, optimize's timeout)
 * takes a Clock, so tests pass a fake one and samplers never read time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
