import { InvalidArgumentError } from './errors';

/** Values that cross processes and storages: plain JSON only. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * What keeps `value` from being stored as JSON (a function, `undefined`, a bigint, a symbol, a
 * non-finite number, a cycle, an instance other than a plain object or array), or null when it is JSON.
 * JSON.stringify would drop or mangle these silently, or throw far from the call that passed them.
 */
export function notJsonReason(value: unknown, path = 'the value', seen = new Set<object>()): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} is ${value}`;
  if (typeof value !== 'object')
    return `${path} is ${value === undefined ? 'undefined' : `a ${typeof value}`}`;
  if (seen.has(value)) return `${path} refers back to itself`;
  const isArray = Array.isArray(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!isArray && proto !== Object.prototype && proto !== null) {
    return `${path} is a ${(value as object).constructor?.name ?? 'class instance'}, not a plain object`;
  }
  seen.add(value);
  const entries: Array<[string, unknown]> = isArray
    ? (value as unknown[]).map((v, i) => [`${path}[${i}]`, v])
    : Object.entries(value).map(([k, v]) => [`${path}.${k}`, v]);
  for (const [at, v] of entries) {
    const reason = notJsonReason(v, at, seen);
    if (reason) return reason;
  }
  seen.delete(value);
  return null;
}

/** Refuses a user attribute that is not JSON, naming the attribute and what is wrong with it. */
export function assertJsonAttr(method: string, key: string, value: unknown): void {
  const reason = notJsonReason(value);
  if (reason) {
    throw new InvalidArgumentError(
      `${method}('${key}'): ${reason}; attributes are stored as JSON (null, booleans, finite numbers, strings, and arrays and plain objects of them).`,
    );
  }
}
