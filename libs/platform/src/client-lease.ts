import { createHash, randomBytes } from 'node:crypto';

/** Bounds and default of the lease a client asks for with a trial (`leaseSeconds` of `POST …/ask`). */
export const CLIENT_LEASE_SECONDS = Object.freeze({ default: 60, min: 5, max: 3600 });

/** The prefix of every lease holder that is a REST client (queue workers are named by their worker id). */
export const CLIENT_HOLDER_PREFIX = 'client:';

/** A client's lease on one trial: the token it proves itself with, and the holder stored on the trial. */
export interface ClientLease {
  /** Secret of the client (answered by `ask` only); fences heartbeat, suggest, report and tell. */
  readonly token: string;
  /**
   * What the trial's lease stores as its worker (`platform:worker`, shown by every trial read):
   * `client:<client name>:<seconds>s:<digest of the token>`. It carries the lease's duration, so a
   * heartbeat needs nothing else; the digest, not the token, so a reader of the trial cannot act for
   * the client.
   */
  readonly holder: string;
  readonly seconds: number;
}

/** How the fail reason begins of a trial the scheduler failed because its lease lapsed with no retry left. */
export const LAPSED_LEASE_FAILURE = "its worker or client stopped renewing the trial's lease";

/**
 * Whether a trial ended FAIL because its lease lapsed (the scheduler's doing, not a tell): a client that
 * tells it afterwards lost its lease, it did not tell twice.
 */
export function failedForLapsedLease(state: string, failReason: unknown): boolean {
  return state === 'FAIL' && typeof failReason === 'string' && failReason.startsWith(LAPSED_LEASE_FAILURE);
}

const HOLDER = /^client:(.*):([0-9]+)s:([0-9a-f]{32})$/;

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 32);
}

/** A new lease for `client` (a name for people: which client ran the trial) of `seconds`. */
export function newClientLease(client: string, seconds: number): ClientLease {
  const token = randomBytes(18).toString('base64url');
  return { token, holder: `${CLIENT_HOLDER_PREFIX}${client}:${seconds}s:${digest(token)}`, seconds };
}

/** The client lease that `holder` (a trial's `platform:worker`) describes, if `token` is its token; else null. */
export function clientLeaseOf(holder: unknown, token: string): ClientLease | null {
  if (typeof holder !== 'string') return null;
  const m = HOLDER.exec(holder);
  if (!m || m[3] !== digest(token)) return null;
  return { token, holder, seconds: Number(m[2]) };
}

/**
 * The renewal time to store for a client lease renewed at `now`, so that the scheduler's one lapse
 * rule — a RUNNING trial lapses once its last renewal is older than the platform's lease
 * (`TUNEFORGE_LEASE_SECONDS`) — ends it exactly `seconds` after `now`: the stored time is shifted by
 * the difference of the two leases (ahead of `now` for a lease longer than the platform's). The api
 * and the scheduler read the same TUNEFORGE_LEASE_SECONDS.
 */
export function clientRenewalTime(now: number, seconds: number, platformLeaseSeconds: number): number {
  return now + (seconds - platformLeaseSeconds) * 1000;
}
