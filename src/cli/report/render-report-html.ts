import type { ParamValue } from '@tuneforge/core';
import type { ReportAssets } from './report-assets';
import { formatNumber, type ReportModel } from './report-model';

/** Text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON for a `<script type="application/json">` block: `<` is escaped so no `</script>` (or `<!--`)
 * in a study or parameter name can end the block early. JSON.parse reads `\u003c` back as `<`.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A script inlined as is; a literal `</script` inside it would end the element, so it is split. */
function inlineScript(code: string): string {
  return `<script>${code.replace(/<\/script/gi, '<\\/script')}</script>`;
}

function paramText(v: ParamValue): string {
  return typeof v === 'number' ? formatNumber(v) : JSON.stringify(v);
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 120 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function summary(model: ReportModel): string {
  const states = Object.entries(model.counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `<span class="state state-${s}">${s.toLowerCase()} ${n}</span>`)
    .join(' ');
  const rows: Array<[string, string]> = [
    ['Direction', escapeHtml(model.directions.join(', '))],
    ['Trials', `${model.trialCount} ${states}`],
    ['Wall time', model.wallTimeMs === null ? '—' : formatDuration(model.wallTimeMs)],
    ['Storage', model.storage === null ? '—' : `<code>${escapeHtml(model.storage)}</code>`],
    ['Generated', escapeHtml(model.generatedAt)],
  ];
  for (const [k, v] of Object.entries(model.userAttrs))
    rows.push([escapeHtml(k), escapeHtml(JSON.stringify(v))]);
  return `<dl class="summary">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function best(model: ReportModel): string {
  if (model.best.length === 0 && model.directions.length > 1)
    return '<h2>Pareto front</h2><p class="empty">No feasible trial has completed yet.</p>';
  if (model.best.length === 0) return '<h2>Best trial</h2><p class="empty">No trial has completed yet.</p>';
  if (model.directions.length === 1) {
    const [b] = model.best;
    const params = Object.entries(b.params)
      .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(paramText(v))}</td></tr>`)
      .join('');
    const took =
      b.durationMs === null ? '' : ` <span class="muted">in ${formatDuration(b.durationMs)}</span>`;
    return `<h2>Best trial</h2><div class="best-head">Trial ${b.number}: <strong>${escapeHtml(formatNumber(b.values[0]))}</strong>${took}</div><table class="params">${params}</table>`;
  }
  // Several objectives: the front is a set of trials, so it reads best as a table.
  const names = [...new Set(model.best.flatMap((b) => Object.keys(b.params)))].sort();
  const head = ['trial', ...model.directions.map((d, i) => `values_${i} (${d})`), ...names]
    .map((h) => `<th>${escapeHtml(h)}</th>`)
    .join('');
  const rows = model.best
    .map((b) => {
      const cells = [
        String(b.number),
        ...b.values.map((v) => formatNumber(v)),
        ...names.map((n) => (n in b.params ? paramText(b.params[n]) : '')),
      ];
      return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<h2>Pareto front <span class="muted">(${model.best.length} feasible trials)</span></h2><div class="front-wrap"><table class="front"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function trialTable(model: ReportModel): string {
  const head = model.table.columns.map((c, i) => `<th data-col="${i}">${escapeHtml(c)}</th>`).join('');
  const body = model.table.rows
    .map(
      (r) =>
        `<tr data-state="${r.state}">${r.cells
          .map(
            (c, i) =>
              `<td${i === 1 ? ` class="state-${r.state}"` : ''}>${c === null ? '' : escapeHtml(c)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n');
  const options = Object.entries(model.counts)
    .filter(([, n]) => n > 0)
    .map(([s]) => `<option value="${s}">${s}</option>`)
    .join('');
  return `<div class="table-tools"><label>State <select id="state-filter"><option value="">all</option>${options}</select></label>
<label>Search <input id="table-search" type="search" placeholder="any cell"></label> <span id="table-count" class="muted"></span></div>
<div class="table-wrap"><table id="trials"><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div>`;
}

/** One titled panel that the report's script fills with its charts (dashboard/src/report/main.ts). */
function panel(id: string, title: string, note: string): string {
  return `<section class="panel" id="panel-${id}"><h2>${title}</h2><p class="note">${note}</p><div class="charts" data-plot="${id}"></div></section>`;
}

/** The Pareto front and the hypervolume history of a study with several objectives. */
function multiObjectivePanels(model: ReportModel): string[] {
  const { paretoFront, hypervolumeHistory } = model.plots;
  const pairs =
    paretoFront && paretoFront.dimensions >= 3
      ? ' Above, one line per trial across every objective; below, the pairs of objectives (of the first five at most).'
      : '';
  const constrained = paretoFront?.constrained
    ? ' Infeasible trials (a constraint > 0) are hollow purple diamonds: they are never on the front.'
    : '';
  const reference = hypervolumeHistory?.referencePoint
    ? ` Reference point (${hypervolumeHistory.referencePoint.map(formatNumber).join(', ')}): ${hypervolumeHistory.referencePointRule}.`
    : '';
  return [
    panel(
      'pareto-front',
      'Pareto front',
      escapeHtml(
        `Completed trials in objective space: the feasible non-dominated ones form the front (red), dominated ones are dimmed.${constrained}${pairs}`,
      ),
    ),
    panel(
      'hypervolume-history',
      'Hypervolume history',
      escapeHtml(
        `The hypervolume of the feasible Pareto front after each finished trial (the higher, the better the front).${reference}`,
      ),
    ),
  ];
}

const STYLE = `
:root { --fg: #1f2933; --muted: #6b7785; --line: #d9dee4; --bg: #f6f7f9; --card: #fff; --accent: #3366cc; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { background: #17202b; color: #fff; padding: 18px 28px; }
header h1 { margin: 0; font-size: 22px; font-weight: 600; }
header .sub { color: #aab4bf; margin-top: 2px; }
main { max-width: 1280px; margin: 0 auto; padding: 20px 28px 48px; }
h2 { font-size: 16px; margin: 0 0 6px; }
.panel, .top > div { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin-bottom: 18px; }
.top { display: grid; grid-template-columns: minmax(300px, 1fr) 2fr; gap: 18px; }
.top > div { margin: 0; }
.note { color: var(--muted); margin: 0 0 8px; font-size: 12.5px; }
.muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; }
dl.summary dt { color: var(--muted); }
dl.summary dd { margin: 0; }
.state { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; margin-right: 3px; color: #fff; }
.state-COMPLETE { --c: #3366cc; } .state-PRUNED { --c: #e8912d; } .state-FAIL { --c: #d64545; }
.state-RUNNING { --c: #2e9e5b; } .state-WAITING { --c: #8a96a3; }
span.state { background: var(--c); }
td[class^="state-"] { color: var(--c); font-weight: 600; }
.best-head { margin-bottom: 4px; font-size: 15px; }
.front-wrap { max-height: 260px; overflow: auto; }
table.front { border-collapse: collapse; font-size: 12.5px; font-variant-numeric: tabular-nums; }
table.front th, table.front td { padding: 2px 8px; text-align: right; border-bottom: 1px solid #eef0f3; white-space: nowrap; }
table.front th { position: sticky; top: 0; background: #eef1f5; }
table.params th { text-align: left; font-weight: 400; color: var(--muted); padding-right: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 12px; }
.charts.wide { grid-template-columns: 1fr; }
.chart { height: 340px; min-width: 0; }
.chart.wide { grid-column: 1 / -1; }
.table-tools { display: flex; gap: 16px; align-items: center; margin-bottom: 8px; }
.table-wrap { max-height: 560px; overflow: auto; border: 1px solid var(--line); border-radius: 4px; }
#trials { border-collapse: collapse; width: 100%; font-size: 12.5px; font-variant-numeric: tabular-nums; }
#trials th, #trials td { padding: 3px 8px; border-bottom: 1px solid #eef0f3; text-align: right; white-space: nowrap; }
#trials th { position: sticky; top: 0; background: #eef1f5; cursor: pointer; user-select: none; }
#trials th.asc::after { content: " ▲"; } #trials th.desc::after { content: " ▼"; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 12px; }
@media (max-width: 800px) { .top { grid-template-columns: 1fr; } }
`;

/**
 * The report as one self-contained HTML document: styles, the chart library, the plot data and the
 * drawing script are all inline, so the file opens from disk, offline, in any current browser. The
 * summary, best trial and trial table are plain HTML (readable even with scripts off); the charts are
 * drawn by the report's script (the dashboard's chart modules, see report-assets.ts) from the JSON block
 * `#tuneforge-report-data`.
 */
export function renderReportHtml(model: ReportModel, assets: ReportAssets): string {
  const multi = model.directions.length > 1;
  const title = `Tuneforge report — ${model.studyName}`;
  const panels = [
    panel(
      'optimization-history',
      'Optimization history',
      'Completed trials by number, with the best value so far.',
    ),
    panel(
      'importances',
      'Parameter importances',
      "fANOVA on a seeded random forest: the share of the objective's variance each parameter explains alone.",
    ),
    panel(
      'intermediate-values',
      'Intermediate values',
      'Learning curves as reported by the trials; pruned trials are drawn in orange.',
    ),
    panel('slice', 'Slice', 'Objective value against each parameter; darker points are later trials.'),
    panel(
      'contour',
      'Contour',
      'Pairs of the most important parameters: completed trials (dots) over an inverse-distance interpolation of the objective.',
    ),
    panel(
      'parallel-coordinates',
      'Parallel coordinates',
      'One line per completed trial, coloured by objective value.',
    ),
    panel(
      'empirical-distribution',
      'Empirical distribution',
      'Fraction of completed trials with a value at most x.',
    ),
    panel('timeline', 'Timeline', 'Each trial from start to end, in the lane of the worker that ran it.'),
    ...(multi ? multiObjectivePanels(model) : []),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tuneforge report">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(model.studyName)}</h1><div class="sub">Tuneforge study report · ${model.trialCount} trials · ${escapeHtml(model.generatedAt)}</div></header>
<main>
<div class="top"><div><h2>Study</h2>${summary(model)}</div><div>${best(model)}</div></div>
${panels.join('\n')}
<section class="panel" id="panel-trials"><h2>Trials</h2>${trialTable(model)}</section>
</main>
<footer>Made by <code>tuneforge report</code>. Charts: Apache ECharts (Apache-2.0), inlined. This file needs no network.</footer>
<noscript><p style="text-align:center">The charts need JavaScript; the summary and the trial table do not.</p></noscript>
<script type="application/json" id="tuneforge-report-data">${jsonForScript({ directions: model.directions, plots: model.plots })}</script>
${inlineScript(assets.chartLibrary)}
${inlineScript(assets.clientScript)}
</body>
</html>
`;
}
