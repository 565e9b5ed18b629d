import { ApiError, getJson, type StudyResponse } from '../api';
import { clear, h } from '../dom';
import { formatTime } from '../format';
import { countsBar, stateBadge } from './badges';
import { renderPoolsPanel } from './pools-panel';
import { tokenForm } from './token-form';

const REFRESH_MS = 5000;

/** The studies with their states and trial counts, refreshed every few seconds. Returns its disposer. */
export function renderStudyList(root: HTMLElement): () => void {
  let timer: number | undefined;
  let disposed = false;
  const body = h('div', { class: 'study-list' });
  root.appendChild(h('h1', {}, 'Studies'));
  root.appendChild(body);

  const load = async () => {
    try {
      const studies = await getJson<StudyResponse[]>('/studies');
      if (disposed) return;
      clear(body);
      body.appendChild(table(studies));
    } catch (e) {
      if (disposed) return;
      clear(body);
      if (e instanceof ApiError && e.status === 401) return body.appendChild(tokenForm(() => void load()));
      body.appendChild(h('p', { class: 'error' }, `Cannot list the studies: ${(e as Error).message}`));
    }
    timer = window.setTimeout(() => void load(), REFRESH_MS);
  };
  void load();
  const disposePools = renderPoolsPanel(root);
  return () => {
    disposed = true;
    window.clearTimeout(timer);
    disposePools();
  };
}

function table(studies: StudyResponse[]): HTMLElement {
  if (studies.length === 0) {
    return h('p', { class: 'empty' }, 'No study yet: create one with POST /studies (see the API page).');
  }
  const rows = [...studies]
    .sort((a, b) => b.id - a.id)
    .map((s) =>
      h(
        'tr',
        { 'data-study': s.id },
        h('td', {}, s.id),
        h('td', {}, h('a', { href: `/dashboard/studies/${s.id}`, 'data-link': true }, s.name)),
        h('td', {}, stateBadge(s.state)),
        h('td', {}, s.directions.join(', ')),
        h(
          'td',
          { class: 'num' },
          Object.values(s.counts).reduce((a, b) => a + b, 0),
        ),
        h('td', {}, countsBar(s.counts)),
        h('td', {}, formatTime(s.createdAt)),
      ),
    );
  return h(
    'table',
    { class: 'grid', 'data-testid': 'study-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Id'),
        h('th', {}, 'Study'),
        h('th', {}, 'State'),
        h('th', {}, 'Direction'),
        h('th', {}, 'Trials'),
        h('th', {}, 'By state'),
        h('th', {}, 'Created'),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}
