import type { PoolsResponse } from '@tuneforge/platform';
import { ApiError, getJson, TOKEN_SAVED_EVENT } from '../api';
import { clear, h } from '../dom';

const REFRESH_MS = 5000;

/** `gpu=1, cpu=8`; `—` for nothing. */
function resourcesText(resources: Record<string, number>): string {
  const names = Object.keys(resources).sort();
  return names.length === 0 ? '—' : names.map((n) => `${n}=${resources[n]}`).join(', ');
}

/**
 * The worker pools (GET /pools): per pool what its trials need, the live workers that run them, its waiting
 * trials and jobs, and why nothing runs when no live worker offers what it needs; then the live workers with
 * what they offer. Refreshed every few seconds; returns its disposer.
 */
export function renderPoolsPanel(root: HTMLElement): () => void {
  let timer: number | undefined;
  let disposed = false;
  const body = h('div', { class: 'pools', 'data-testid': 'pools-panel' });
  root.appendChild(h('h2', {}, 'Worker pools'));
  root.appendChild(body);

  let generation = 0;
  const load = async () => {
    // A load started by a saved token supersedes the one on its way: only the latest sets the next timer.
    const mine = ++generation;
    try {
      const pools = await getJson<PoolsResponse>('/pools');
      if (disposed || mine !== generation) return;
      clear(body);
      body.appendChild(poolTable(pools));
      body.appendChild(workerTable(pools));
    } catch (e) {
      if (disposed || mine !== generation) return;
      clear(body);
      body.appendChild(
        e instanceof ApiError && e.status === 401
          ? h('p', {}, 'Shown once the API token is entered.')
          : h('p', { class: 'error' }, `Cannot read the pools: ${(e as Error).message}`),
      );
    }
    if (mine === generation) timer = window.setTimeout(() => void load(), REFRESH_MS);
  };
  const onToken = () => {
    window.clearTimeout(timer);
    void load();
  };
  window.addEventListener(TOKEN_SAVED_EVENT, onToken);
  void load();
  return () => {
    disposed = true;
    window.clearTimeout(timer);
    window.removeEventListener(TOKEN_SAVED_EVENT, onToken);
  };
}

function poolTable({ pools }: PoolsResponse): HTMLElement {
  const rows = pools.map((p) =>
    h(
      'tr',
      { 'data-pool': p.queue },
      h('td', {}, p.queue),
      h('td', {}, resourcesText(p.requirement)),
      h('td', {}, p.workers.length === 0 ? '—' : p.workers.join(', ')),
      h('td', { class: 'num' }, p.waitingTrials),
      h('td', { class: 'num' }, p.queuedJobs),
      h('td', { class: 'num' }, p.activeJobs),
      h('td', p.reason ? { class: 'error' } : {}, p.reason ?? 'served'),
    ),
  );
  return h(
    'table',
    { class: 'grid', 'data-testid': 'pool-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Queue'),
        h('th', {}, 'Trials need'),
        h('th', {}, 'Live workers'),
        h('th', {}, 'Waiting trials'),
        h('th', {}, 'Queued jobs'),
        h('th', {}, 'Running'),
        h('th', {}, 'Status'),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}

function workerTable({ workers }: PoolsResponse): HTMLElement {
  if (workers.length === 0) return h('p', { class: 'empty' }, 'No live worker.');
  const rows = workers.map((w) =>
    h(
      'tr',
      { 'data-worker': w.workerId },
      h('td', {}, w.workerId),
      h('td', {}, resourcesText(w.resources)),
      h('td', { class: 'num' }, `${w.running} / ${w.concurrency}`),
      h('td', {}, w.queues.join(', ')),
    ),
  );
  return h(
    'table',
    { class: 'grid', 'data-testid': 'worker-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Worker'),
        h('th', {}, 'Offers'),
        h('th', {}, 'Running'),
        h('th', {}, 'Queues'),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}
