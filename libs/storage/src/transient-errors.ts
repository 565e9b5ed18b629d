/**
 * Errors that say the database was unreachable for a while, not that the statement was wrong: the
 * same statement may succeed once the server is back (connection lost or refused, server shutting
 * down or starting, too many connections, a serialization conflict).
 */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// pg and pg-pool report some connection losses by message only.
const TRANSIENT_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /server closed the connection unexpectedly/i,
];

// Duck-typed rather than `instanceof Error`: errors raised by Node's sockets may come from another
// realm (a test runner's VM context), and pg's own errors are plain objects with a `code`.
export function isTransientDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, driverError, errors } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    errors?: unknown;
  };
  // TypeORM's QueryFailedError wraps the driver's error.
  if (driverError !== undefined && driverError !== error && isTransientDatabaseError(driverError))
    return true;
  if (typeof code === 'string') {
    if (code.startsWith('08') || TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code)) return true;
  }
  // AggregateError of a failed connect to several addresses (node's happy eyeballs).
  if (Array.isArray(errors) && errors.some((e) => isTransientDatabaseError(e))) return true;
  return typeof message === 'string' && TRANSIENT_MESSAGES.some((re) => re.test(message));
}
