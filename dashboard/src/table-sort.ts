/** A table cell as it sorts: a number, a text, or null for a cell with no value (yet). */
export type Cell = number | string | null;

/**
 * The order of the trial tables (the dashboard's and the report's): numbers as numbers, text as text,
 * empty cells last in either direction.
 */
export function compareCells(a: Cell, b: Cell, dir: 1 | -1): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return dir * (a - b);
  return dir * String(a).localeCompare(String(b));
}
