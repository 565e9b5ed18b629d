/**
 * The script of `tuneforge report`'s HTML file: it draws the plot data embedded in the page with the
 * dashboard's chart modules, so that the report and the live dashboard draw the same data the same
 * way, and makes the trial table sortable and filterable. It runs from a file, offline: no request is
 * ever made. `npm run build:report` bundles it into src/cli/report/generated/report-client.js, which
 * the CLI inlines into each report.
 */
import type { StudyPlots } from '@tuneforge/core';
import type { EChartsType } from 'echarts';
import { contourCharts } from '../charts/contour';
import { edfCharts } from '../charts/edf';
import { historyCharts } from '../charts/history';
import { hypervolumeCharts } from '../charts/hypervolume';
import { importanceCharts } from '../charts/importances';
import { intermediateCharts } from '../charts/intermediate';
import { parallelCharts } from '../charts/parallel';
import { paretoCharts } from '../charts/pareto';
import { sliceCharts } from '../charts/slice';
import type { ChartSpec } from '../charts/theme';
import { timelineCharts } from '../charts/timeline';
import { h } from '../dom';
import { drawCharts } from './draw-charts';
import { readReportData } from './report-data';
import { setUpTrialTable } from './report-table';

/** A panel of the page (`[data-plot=<id>]`), what fills it, and what it says when there is nothing to draw. */
interface ReportPlot {
  readonly id: string;
  readonly charts: (plots: StudyPlots) => ChartSpec[];
  readonly empty: string;
  /** One chart across the page rather than a grid of small ones. */
  readonly wide: boolean;
}

const PLOTS: readonly ReportPlot[] = [
  {
    id: 'optimization-history',
    charts: (p) => historyCharts(p.optimizationHistory),
    empty: 'No completed trial.',
    wide: true,
  },
  {
    id: 'importances',
    charts: (p) => importanceCharts(p.importances),
    empty: 'Importances need two completed trials with parameters.',
    wide: true,
  },
  {
    id: 'intermediate-values',
    charts: (p) => intermediateCharts(p.intermediateValues),
    empty: 'No trial reported intermediate values.',
    wide: true,
  },
  {
    id: 'slice',
    charts: (p) => sliceCharts(p.slice),
    empty: 'No completed trial with parameters.',
    wide: false,
  },
  {
    id: 'contour',
    charts: (p) => contourCharts(p.contour),
    empty: 'A contour needs two parameters or more.',
    wide: false,
  },
  {
    id: 'parallel-coordinates',
    charts: (p) => parallelCharts(p.parallelCoordinates),
    empty: 'No completed trial with all the parameters.',
    wide: true,
  },
  {
    id: 'empirical-distribution',
    charts: (p) => edfCharts(p.empiricalDistribution),
    empty: 'No completed trial.',
    wide: false,
  },
  { id: 'timeline', charts: (p) => timelineCharts(p.timeline), empty: 'No trial has started.', wide: true },
  {
    id: 'pareto-front',
    charts: (p) => paretoCharts(p.paretoFront),
    empty: 'No completed trial.',
    wide: false,
  },
  {
    id: 'hypervolume-history',
    charts: (p) => hypervolumeCharts(p.hypervolumeHistory),
    empty: 'No completed trial.',
    wide: true,
  },
];

function drawPlots(plots: StudyPlots): EChartsType[] {
  const charts: EChartsType[] = [];
  for (const plot of PLOTS) {
    // The page has a panel for each plot it shows (the Pareto front and the hypervolume only for several
    // objectives).
    const box = document.querySelector<HTMLElement>(`[data-plot="${plot.id}"]`);
    if (!box) continue;
    const specs = plot.charts(plots);
    if (specs.length === 0) {
      box.appendChild(h('p', { class: 'empty' }, plot.empty));
      continue;
    }
    if (plot.wide) box.classList.add('wide');
    charts.push(...drawCharts(box, specs));
  }
  return charts;
}

const charts = drawPlots(readReportData(document).plots);
setUpTrialTable(document);
window.addEventListener('resize', () => charts.forEach((chart) => chart.resize()));
// Tells a test (or a curious reader) that drawing finished, and how many charts were drawn.
document.documentElement.setAttribute('data-charts', String(charts.length));
