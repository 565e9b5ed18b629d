import { compareCells, type Cell } from '../table-sort';

/** A cell's text as it sorts: numbers as numbers, an empty cell as null (last in either direction). */
function cellValue(row: HTMLTableRowElement, col: number): Cell {
  const text = row.cells[col]?.textContent ?? '';
  if (text === '') return null;
  const n = Number(text);
  return Number.isNaN(n) ? text : n;
}

/**
 * Makes the report's trial table (`#trials`, written as plain HTML by the CLI) sortable by a click on a
 * column header (again to reverse), and filterable by state (`#state-filter`) and by any cell's text
 * (`#table-search`). Rows are hidden, not removed, so that the page still prints whole without scripts.
 */
export function setUpTrialTable(doc: Document): void {
  const table = doc.getElementById('trials') as HTMLTableElement | null;
  const filter = doc.getElementById('state-filter') as HTMLSelectElement | null;
  const search = doc.getElementById('table-search') as HTMLInputElement | null;
  const count = doc.getElementById('table-count');
  if (!table || !table.tHead || !filter || !search || !count) return;
  const body = table.tBodies[0];
  const rows = [...body.rows];
  const headers = [...table.tHead.rows[0].cells];

  const refresh = () => {
    const state = filter.value;
    const needle = search.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      const ok =
        (!state || row.getAttribute('data-state') === state) &&
        (!needle || (row.textContent ?? '').toLowerCase().includes(needle));
      row.style.display = ok ? '' : 'none';
      if (ok) shown++;
    }
    count.textContent = `${shown} of ${rows.length} trials`;
  };
  filter.addEventListener('change', refresh);
  search.addEventListener('input', refresh);

  headers.forEach((th, col) =>
    th.addEventListener('click', () => {
      const dir = th.classList.contains('asc') ? -1 : 1;
      for (const other of headers) other.classList.remove('asc', 'desc');
      th.classList.add(dir === 1 ? 'asc' : 'desc');
      rows.sort((a, b) => compareCells(cellValue(a, col), cellValue(b, col), dir));
      for (const row of rows) body.appendChild(row);
    }),
  );
  refresh();
}
