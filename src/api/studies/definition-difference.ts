/**
 * The first place where two JSON documents differ, as a field path and both values, e.g.
 * `{ field: 'budget.nTrials', stored: 60, given: 80 }`; null when they are equal. Object keys compare
 * in any order (Postgres jsonb does not keep them), array items in order.
 */
export interface JsonDifference {
  field: string;
  stored: unknown;
  given: unknown;
}

export function firstDifference(stored: unknown, given: unknown, field = ''): JsonDifference | null {
  const here = { field: field || '(the whole definition)', stored, given };
  if (Array.isArray(stored) || Array.isArray(given)) {
    if (!Array.isArray(stored) || !Array.isArray(given)) return here;
    for (let i = 0; i < Math.max(stored.length, given.length); i++) {
      const d = firstDifference(stored[i], given[i], join(field, String(i)));
      if (d) return d;
    }
    return null;
  }
  if (isObject(stored) && isObject(given)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(given)])].sort();
    for (const key of keys) {
      const d = firstDifference(stored[key], given[key], join(field, key));
      if (d) return d;
    }
    return null;
  }
  return stored === given ? null : here;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}
