import type { TrialResponse } from '../api';
import { clear, h } from '../dom';
import { fmt, formatDuration, formatTime } from '../format';
import { compareCells, type Cell } from '../table-sort';
import { stateBadge, TRIAL_STATES } from './badges';
import { parseSearch } from './trial-filter';

/** Rows drawn at once: beyond this the reader narrows the view with the filter or the search. */
const MAX_ROWS = 500;

interface Column {
  readonly key: string;
  readonly label: string;
  readonly value: (t: TrialResponse) => Cell;
  readonly show?: (t: TrialResponse) => Node | string;
}

/**
 * The trials of a study: sort by any column (click its header; again to reverse), filter by state,
 * search by parameter (see `parseSearch`), click a row for the trial's details. `update` keeps the
 * reader's choices across live refreshes.
 */
export class TrialTable {
  readonly element: HTMLElement;
  private trials: TrialResponse[] = [];
  private sortKey = 'number';
  private sortDir: 1 | -1 = 1;
  private state = '';
  private search = '';
  private open: number | null = null;
  private readonly tableBox = h('div', { class: 'table-box' });
  private readonly count = h('span', { class: 'muted', 'data-testid': 'trial-count' });

  constructor(private readonly directions: readonly string[]) {
    const stateSelect = h(
      'select',
      { name: 'state', 'data-testid': 'state-filter' },
      h('option', { value: '' }, 'All states'),
      ...TRIAL_STATES.map((s) => h('option', { value: s }, s.toLowerCase())),
    );
    stateSelect.addEventListener('change', () => {
      this.state = stateSelect.value;
      this.draw();
    });
    const searchInput = h('input', {
      type: 'search',
      name: 'search',
      placeholder: 'search parameters: lr<0.01 optimizer=adam',
      'data-testid': 'param-search',
    });
    searchInput.addEventListener('input', () => {
      this.search = searchInput.value;
      this.draw();
    });
    this.element = h(
      'section',
      { class: 'panel wide', 'data-plot': 'trials' },
      h('h2', {}, 'Trials'),
      h('div', { class: 'table-tools' }, stateSelect, searchInput, this.count),
      this.tableBox,
    );
  }

  update(trials: TrialResponse[]): void {
    this.trials = trials;
    this.draw();
  }

  private columns(): Column[] {
    const names = [...new Set(this.trials.flatMap((t) => Object.keys(t.params)))].sort();
    const single = this.directions.length === 1;
    return [
      { key: 'number', label: '#', value: (t) => t.number },
      { key: 'state', label: 'State', value: (t) => t.state, show: (t) => stateBadge(t.state) },
      ...this.directions.map((_, i): Column => ({
        key: `value:${i}`,
        label: single ? 'Value' : `Value ${i}`,
        value: (t) => t.values?.[i] ?? null,
      })),
      ...names.map((name): Column => ({
        key: `param:${name}`,
        label: name,
        value: (t) => {
          const v = t.params[name];
          return typeof v === 'number' || typeof v === 'string' ? v : v === undefined ? null : String(v);
        },
      })),
      ...(this.trials.some((t) => constraintsOf(t) !== null) ? [feasibilityColumn] : []),
      {
        key: 'duration',
        label: 'Duration',
        value: (t) => t.durationMs,
        show: (t) => formatDuration(t.durationMs),
      },
      { key: 'worker', label: 'Worker', value: (t) => t.worker },
      {
        key: 'start',
        label: 'Started',
        value: (t) => t.datetimeStart,
        show: (t) => formatTime(t.datetimeStart),
      },
    ];
  }

  private draw(): void {
    const columns = this.columns();
    if (!columns.some((c) => c.key === this.sortKey)) this.sortKey = 'number';
    const sortColumn = columns.find((c) => c.key === this.sortKey)!;
    const matches = parseSearch(this.search);
    const shown = this.trials
      .filter((t) => (!this.state || t.state === this.state) && matches(t))
      .sort(
        (a, b) => compareCells(sortColumn.value(a), sortColumn.value(b), this.sortDir) || a.number - b.number,
      );
    this.count.textContent = `${shown.length} of ${this.trials.length} trials${shown.length > MAX_ROWS ? ` (first ${MAX_ROWS} shown)` : ''}`;

    const head = h(
      'tr',
      {},
      ...columns.map((c) => {
        const sorted = c.key === this.sortKey;
        const th = h(
          'th',
          {
            'data-sort': c.key,
            'aria-sort': sorted ? (this.sortDir === 1 ? 'ascending' : 'descending') : 'none',
            class: sorted ? (this.sortDir === 1 ? 'asc' : 'desc') : null,
          },
          h('button', { type: 'button' }, c.label),
        );
        th.addEventListener('click', () => {
          if (this.sortKey === c.key) this.sortDir = this.sortDir === 1 ? -1 : 1;
          else {
            this.sortKey = c.key;
            this.sortDir = 1;
          }
          this.draw();
        });
        return th;
      }),
    );
    const body = h('tbody', {});
    for (const t of shown.slice(0, MAX_ROWS)) {
      const row = h(
        'tr',
        {
          'data-number': t.number,
          'data-state': t.state,
          'data-feasible': constraintsOf(t) === null ? null : String(violationOf(t) === 0),
          class: this.open === t.number ? 'open' : null,
        },
        ...columns.map((c) => {
          const v = c.value(t);
          const content = c.show ? c.show(t) : v === null ? '' : typeof v === 'number' ? fmt(v) : v;
          return h('td', { class: typeof v === 'number' ? 'num' : null }, content);
        }),
      );
      row.addEventListener('click', () => {
        this.open = this.open === t.number ? null : t.number;
        this.draw();
      });
      body.appendChild(row);
      if (this.open === t.number) {
        body.appendChild(h('tr', { class: 'details' }, h('td', { colspan: columns.length }, details(t))));
      }
    }
    clear(this.tableBox);
    this.tableBox.appendChild(
      h('table', { class: 'grid trials', 'data-testid': 'trial-table' }, h('thead', {}, head), body),
    );
  }
}

function details(t: TrialResponse): HTMLElement {
  const steps = Object.keys(t.intermediateValues).length;
  const rows: Array<[string, string]> = [
    ['Values', t.values ? t.values.map(fmt).join(', ') : '—'],
    [
      'Parameters',
      Object.entries(t.params)
        .map(([k, v]) => `${k} = ${typeof v === 'number' ? fmt(v) : JSON.stringify(v)}`)
        .join('; ') || '—',
    ],
    ['Intermediate values', steps > 0 ? `${steps} steps` : '—'],
    ['Started', formatTime(t.datetimeStart) || '—'],
    ['Ended', formatTime(t.datetimeComplete) || '—'],
    ['Worker', t.worker ?? '—'],
  ];
  const constraints = constraintsOf(t);
  if (constraints) rows.push(['Constraints (≤ 0 holds)', constraints.map(fmt).join(', ')]);
  if (t.failReason) rows.push(['Fail reason', t.failReason]);
  if (Object.keys(t.userAttrs).length > 0) rows.push(['User attributes', JSON.stringify(t.userAttrs)]);
  return h('dl', { class: 'trial-details' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** The constraint values the trial carries (system attribute `constraints`), or null when it has none. */
function constraintsOf(t: TrialResponse): number[] | null {
  const raw = t.systemAttrs.constraints;
  return Array.isArray(raw) ? raw.map((c) => (typeof c === 'number' ? c : NaN)) : null;
}

/** The sum of the constraint values above 0 (a value that is not a number counts as infinitely violated). */
function violationOf(t: TrialResponse): number {
  let sum = 0;
  for (const c of constraintsOf(t) ?? []) if (!(c <= 0)) sum += Number.isNaN(c) ? Infinity : c;
  return sum;
}

/** In a constrained study: feasible or by how much not, sorting by total violation. */
const feasibilityColumn: Column = {
  key: 'feasible',
  label: 'Feasible',
  value: (t) => (constraintsOf(t) === null ? null : violationOf(t)),
  show: (t) => {
    if (constraintsOf(t) === null) return '';
    const violation = violationOf(t);
    return violation === 0
      ? 'yes'
      : h('span', { class: 'infeasible', title: 'a constraint is > 0' }, `no (+${fmt(violation)})`);
  },
};
