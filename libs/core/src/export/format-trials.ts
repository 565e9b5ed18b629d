import type { JsonValue } from '../json';
import { CONSTRAINTS_ATTR, isFeasible } from '../multi-objective/constraints';
import type { FrozenTrial } from '../trial/frozen-trial';
import { FAIL_REASON_ATTR } from '../trial/trial';

export const TRIAL_FORMATS = ['table', 'csv', 'json'] as const;
export type TrialFormat = (typeof TRIAL_FORMATS)[number];

function paramNames(trials: readonly FrozenTrial[]): string[] {
  const names = new Set<string>();
  for (const t of trials) for (const name of Object.keys(t.params)) names.add(name);
  return [...names];
}

function iso(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString();
}

function userAttrNames(trials: readonly FrozenTrial[]): string[] {
  const names = new Set<string>();
  for (const t of trials) for (const name of Object.keys(t.userAttrs)) names.add(name);
  return [...names];
}

function cellOf(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Rows of cells: number, state, value(s), params and user attributes (one column each), start, end; then,
 * when any trial has them, its constraints with whether they hold, and (in CSV: a reason is too long for a
 * table's column) why it failed.
 */
function rows(trials: readonly FrozenTrial[], nObjectives: number, withFailReason: boolean): string[][] {
  const names = paramNames(trials);
  const attrs = userAttrNames(trials);
  const constrained = trials.some((t) => CONSTRAINTS_ATTR in t.systemAttrs);
  const failed = withFailReason && trials.some((t) => FAIL_REASON_ATTR in t.systemAttrs);
  const valueHeads =
    nObjectives === 1 ? ['value'] : Array.from({ length: nObjectives }, (_, i) => `values_${i}`);
  const head = [
    'number',
    'state',
    ...valueHeads,
    ...names.map((n) => `params_${n}`),
    ...attrs.map((n) => `user_attrs_${n}`),
    'datetime_start',
    'datetime_complete',
    ...(constrained ? ['constraints', 'feasible'] : []),
    ...(failed ? ['fail_reason'] : []),
  ];
  const body = trials.map((t) => [
    String(t.number),
    t.state,
    ...valueHeads.map((_, i) => (t.values && t.values[i] !== undefined ? String(t.values[i]) : '')),
    ...names.map((n) => (n in t.params ? String(t.params[n]) : '')),
    ...attrs.map((n) => cellOf(t.userAttrs[n])),
    iso(t.datetimeStart),
    iso(t.datetimeComplete),
    ...(constrained
      ? CONSTRAINTS_ATTR in t.systemAttrs
        ? [cellOf(t.systemAttrs[CONSTRAINTS_ATTR]), String(isFeasible(t))]
        : ['', '']
      : []),
    ...(failed ? [cellOf(t.systemAttrs[FAIL_REASON_ATTR])] : []),
  ]);
  return [head, ...body];
}

function csvCell(cell: string): string {
  return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function formatTrials(
  trials: readonly FrozenTrial[],
  nObjectives: number,
  format: TrialFormat,
): string {
  if (format === 'json') return JSON.stringify(trials, null, 2) + '\n';
  const table = rows(trials, nObjectives, format === 'csv');
  if (format === 'csv') return table.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return (
    [line(table[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n') +
    '\n'
  );
}
