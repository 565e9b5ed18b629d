import type { FrozenTrial } from '../trial/frozen-trial';

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

/** Rows of cells: number, state, value(s), params (one column each), start, end. */
function rows(trials: readonly FrozenTrial[], nObjectives: number): string[][] {
  const names = paramNames(trials);
  const valueHeads =
    nObjectives === 1 ? ['value'] : Array.from({ length: nObjectives }, (_, i) => `values_${i}`);
  const head = [
    'number',
    'state',
    ...valueHeads,
    ...names.map((n) => `params_${n}`),
    'datetime_start',
    'datetime_complete',
  ];
  const body = trials.map((t) => [
    String(t.number),
    t.state,
    ...valueHeads.map((_, i) => (t.values && t.values[i] !== undefined ? String(t.values[i]) : '')),
    ...names.map((n) => (n in t.params ? String(t.params[n]) : '')),
    iso(t.datetimeStart),
    iso(t.datetimeComplete),
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
  const table = rows(trials, nObjectives);
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
