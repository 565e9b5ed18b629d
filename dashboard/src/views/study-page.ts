import {
  allTrials,
  ApiError,
  getJson,
  type StudyPlotsResponse,
  type StudyResponse,
  type TrialResponse,
} from '../api';
import { ChartPanel } from '../charts/chart-panel';
import { contourCharts } from '../charts/contour';
import { edfCharts } from '../charts/edf';
import { historyCharts, historyPointCount } from '../charts/history';
import { hypervolumeCharts } from '../charts/hypervolume';
import { importanceCharts } from '../charts/importances';
import { intermediateCharts } from '../charts/intermediate';
import { parallelCharts } from '../charts/parallel';
import { paretoCharts } from '../charts/pareto';
import { sliceCharts } from '../charts/slice';
import { timelineCharts } from '../charts/timeline';
import { clear, h } from '../dom';
import { fmt, formatDuration } from '../format';
import { followStudy, type LiveStatus } from '../live';
import { countsBar, stateBadge } from './badges';
import { tokenForm } from './token-form';
import { TrialTable } from './trial-table';

/** Trials finishing faster than this are drawn together: one reload per burst, not one per trial. */
const MIN_RELOAD_GAP_MS = 500;
/**
 * A reload waits this many times as long as the last one took: a study of thousands of trials (seconds to read
 * and draw) is reloaded every several seconds rather than without pause, by every open page.
 */
const LOAD_SHARE_GAP = 4;

const LIVE_TEXT: Record<LiveStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  unauthorized: 'needs the token',
  closed: 'closed',
};

/**
 * A study: summary, best trial (or Pareto front), every plot of the core's `studyPlots`, and the trial
 * table. It follows the study's event stream and reloads when a trial finishes. Returns its disposer.
 */
export function renderStudyPage(root: HTMLElement, id: string): () => void {
  const controller = new AbortController();
  let disposed = false;
  let objective = 0;
  let study: StudyResponse | null = null;
  let table: TrialTable | null = null;
  let stopLive: (() => void) | null = null;
  let reloading: Promise<void> | null = null;
  let again = false;
  let lastReload = 0;
  let lastLoadMs = 0;
  let gone = false;

  const title = h('h1', {}, `Study ${id}`);
  const live = h(
    'span',
    { class: 'live', 'data-testid': 'live-status', 'data-status': 'connecting' },
    LIVE_TEXT.connecting,
  );
  const head = h('div', { class: 'study-head' }, title, live);
  const summary = h('div', { class: 'summary' });
  const best = h('section', { class: 'panel wide best', 'data-testid': 'best-trial' });
  const objectivePicker = h('div', { class: 'objective-picker' });
  const grid = h('div', { class: 'panels' });
  const message = h('div', {});
  root.append(head, message, summary, best, objectivePicker, grid);

  const panels = {
    history: new ChartPanel('optimization-history', 'Optimization history', 'No completed trial yet.', true),
    pareto: new ChartPanel('pareto-front', 'Pareto front', 'No completed trial yet.', true),
    hypervolume: new ChartPanel(
      'hypervolume-history',
      'Hypervolume history',
      'No completed trial yet.',
      true,
    ),
    importances: new ChartPanel(
      'importances',
      'Parameter importances',
      'Importances need two completed trials with parameters.',
    ),
    edf: new ChartPanel('empirical-distribution', 'Empirical distribution', 'No completed trial yet.'),
    intermediate: new ChartPanel(
      'intermediate-values',
      'Intermediate values',
      'No trial reported intermediate values.',
      true,
    ),
    slice: new ChartPanel('slice', 'Slice', 'No completed trial with parameters.', true),
    contour: new ChartPanel('contour', 'Contour', 'A contour needs two parameters or more.', true),
    parallel: new ChartPanel(
      'parallel-coordinates',
      'Parallel coordinates',
      'No completed trial with all the parameters.',
      true,
    ),
    timeline: new ChartPanel('timeline', 'Timeline', 'No trial has started.', true),
  };

  const onResize = () => Object.values(panels).forEach((p) => p.resize());
  window.addEventListener('resize', onResize);

  const show = (s: StudyResponse, plots: StudyPlotsResponse, trials: TrialResponse[]) => {
    study = s;
    document.title = `${s.name} · Tuneforge`;
    title.textContent = s.name;
    clear(summary);
    summary.append(summaryOf(s));
    clear(best);
    best.append(...bestOf(s));
    if (s.directions.length > 1 && objectivePicker.childElementCount === 0) objectivePicker.append(picker(s));
    if (grid.childElementCount === 0) {
      const order = [
        panels.history,
        ...(s.directions.length > 1 ? [panels.pareto, panels.hypervolume] : []),
        panels.importances,
        panels.edf,
        panels.intermediate,
        panels.slice,
        panels.contour,
        panels.parallel,
        panels.timeline,
      ];
      grid.append(...order.map((p) => p.element));
      table = new TrialTable(s.directions);
      grid.append(table.element);
    }
    const p = plots.plots;
    panels.history.update(historyCharts(p.optimizationHistory));
    // What the live view (and its browser test) watches grow as trials finish.
    panels.history.element.setAttribute('data-points', String(historyPointCount(p.optimizationHistory)));
    if (s.directions.length > 1) {
      panels.pareto.update(paretoCharts(p.paretoFront));
      panels.hypervolume.update(hypervolumeCharts(p.hypervolumeHistory));
    }
    panels.importances.update(importanceCharts(p.importances));
    panels.edf.update(edfCharts(p.empiricalDistribution));
    panels.intermediate.update(intermediateCharts(p.intermediateValues));
    panels.slice.update(sliceCharts(p.slice));
    panels.contour.update(contourCharts(p.contour));
    panels.parallel.update(parallelCharts(p.parallelCoordinates));
    panels.timeline.update(timelineCharts(p.timeline));
    table!.update(trials);
    root.setAttribute('data-trials', String(trials.length));
  };

  const load = async () => {
    const s = await getJson<StudyResponse>(`/studies/${encodeURIComponent(id)}`, controller.signal);
    const [plots, trials] = await Promise.all([
      getJson<StudyPlotsResponse>(`/studies/${s.id}/plots?objective=${objective}`, controller.signal),
      allTrials(s.id, controller.signal),
    ]);
    if (!disposed) show(s, plots, trials);
  };

  /** Reloads now, or once more right after the reload under way (whatever finished meanwhile shows). */
  const reload = (): Promise<void> => {
    if (reloading) {
      again = true;
      return reloading;
    }
    reloading = (async () => {
      do {
        again = false;
        const gap = Math.max(MIN_RELOAD_GAP_MS, LOAD_SHARE_GAP * lastLoadMs);
        const wait = lastReload + gap - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        lastReload = Date.now();
        try {
          await load();
          lastLoadMs = Date.now() - lastReload;
          clear(message);
        } catch (e) {
          if (disposed) return;
          clear(message);
          if (e instanceof ApiError && e.status === 401) {
            message.append(tokenForm(() => void reload().then(startLive)));
          } else if (e instanceof ApiError && e.status === 404) {
            showGone();
          } else {
            message.append(h('p', { class: 'error' }, `Cannot load the study: ${(e as Error).message}`));
          }
          return;
        }
      } while (again && !disposed);
    })().finally(() => (reloading = null));
    return reloading;
  };

  /** The study does not exist (any more): nothing of it stays on screen, and nothing follows it. */
  const showGone = () => {
    gone = true;
    stopLive?.();
    stopLive = null;
    live.textContent = study === null ? 'not found' : 'deleted';
    live.setAttribute('data-status', 'gone');
    for (const part of [summary, best, objectivePicker, grid]) clear(part);
    Object.values(panels).forEach((p) => p.dispose());
    message.append(
      h(
        'p',
        { class: 'error', 'data-testid': 'study-gone' },
        study === null ? `No study ${id}. ` : `Study ${study.name} was deleted. `,
        h('a', { href: '/dashboard/', 'data-link': true }, 'All studies'),
      ),
    );
  };

  const startLive = () => {
    if (stopLive || disposed || gone || study === null) return;
    stopLive = followStudy(study.id, {
      onReady: () => void reload(),
      onEvent: () => void reload(),
      onStatus: (status) => {
        // Closing the stream of a study found gone says `closed`; the page says why.
        if (gone) return;
        live.textContent = LIVE_TEXT[status];
        live.setAttribute('data-status', status);
        if (status === 'unauthorized') stopLive = null;
      },
    });
  };

  const picker = (s: StudyResponse) => {
    const select = h(
      'select',
      { name: 'objective' },
      ...s.directions.map((d, i) => h('option', { value: i }, `Objective ${i} (${d})`)),
    );
    select.addEventListener('change', () => {
      objective = Number(select.value);
      void reload();
    });
    return h('label', {}, 'Plots of ', select);
  };

  void reload().then(startLive);
  return () => {
    disposed = true;
    controller.abort();
    stopLive?.();
    window.removeEventListener('resize', onResize);
    Object.values(panels).forEach((p) => p.dispose());
  };
}

function summaryOf(s: StudyResponse): HTMLElement {
  const d = s.definition;
  const facts: Array<[string, Node | string]> = [
    ['State', stateBadge(s.state)],
    ['Direction', s.directions.join(', ')],
    ['Trials', countsBar(s.counts)],
  ];
  if (s.waiting)
    facts.push(['Waiting', h('span', { class: 'error', 'data-testid': 'waiting' }, s.waiting.reason)]);
  if (d) {
    const objective =
      d.objective.kind === 'inline-command'
        ? clip(d.objective.argv.join(' '), 120)
        : d.objective.kind === 'client'
          ? 'run by clients (ask and tell)'
          : `${d.objective.kind} ${d.objective.name}`;
    facts.push(
      ['Objective', objective],
      ['Sampler', d.sampler.type],
      ['Pruner', d.pruner.type],
      ...(d.resources && Object.keys(d.resources).length > 0
        ? [
            [
              'Trials need',
              Object.entries(d.resources)
                .map(([n, a]) => `${n}=${a}`)
                .join(', '),
            ] as [string, string],
          ]
        : []),
      [
        'Budget',
        `${d.budget.nTrials} trials, ${d.budget.maxParallel} at once${d.budget.timeoutSec !== null ? `, ${d.budget.timeoutSec} s` : ''}`,
      ],
    );
  }
  facts.push([
    'Links',
    h(
      'span',
      { class: 'links' },
      h(
        'a',
        { href: `/studies/${s.id}/trials.csv`, download: `${s.name}.csv`, 'data-token-link': true },
        'trials.csv',
      ),
      h(
        'a',
        {
          href: '/admin/queues',
          target: '_blank',
          rel: 'noopener',
          title: 'When the platform asks, sign in with any user name and the API token as the password',
        },
        'Bull Board',
      ),
    ),
  ]);
  return h('dl', {}, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** Long text (an inline command's script) cut to one line, whole in the tooltip. */
function clip(text: string, max: number): HTMLElement {
  const line = text.replace(/\s+/g, ' ');
  return h('span', { title: text }, line.length > max ? `${line.slice(0, max)}…` : line);
}

function bestOf(s: StudyResponse): HTMLElement[] {
  const trials = s.directions.length > 1 ? (s.paretoFront ?? []) : s.best ? [s.best] : [];
  const heading = s.directions.length > 1 ? `Pareto front (${trials.length} feasible trials)` : 'Best trial';
  if (trials.length === 0)
    return [h('h2', {}, heading), h('p', { class: 'empty' }, 'No trial has completed yet.')];
  const cards = trials
    .slice(0, 12)
    .map((t) =>
      h(
        'div',
        { class: 'best-card', 'data-number': t.number },
        h(
          'div',
          { class: 'best-head' },
          `Trial ${t.number}: `,
          h('strong', {}, (t.values ?? []).map(fmt).join(', ')),
          t.durationMs === null ? '' : h('span', { class: 'muted' }, ` in ${formatDuration(t.durationMs)}`),
        ),
        h(
          'table',
          { class: 'params' },
          ...Object.entries(t.params).map(([k, v]) =>
            h('tr', {}, h('th', {}, k), h('td', {}, typeof v === 'number' ? fmt(v) : JSON.stringify(v))),
          ),
        ),
      ),
    );
  const more =
    trials.length > 12 ? h('p', { class: 'muted' }, `… and ${trials.length - 12} more on the front.`) : null;
  return [h('h2', {}, heading), h('div', { class: 'best-cards' }, ...cards), ...(more ? [more] : [])];
}
