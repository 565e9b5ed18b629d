import type { ParetoFrontData, ParetoPoint } from '@tuneforge/core';
import { fmt } from '../format';
import { GRID, itemValue, valueAxis, type ChartSpec } from './theme';

/** The legend's names, which the report's and the dashboard's browser tests look for. */
export const PARETO_SERIES = {
  front: 'Pareto front',
  dominated: 'Dominated',
  infeasible: 'Infeasible (constraint > 0)',
} as const;

/** Which series a point is drawn in: infeasible trials apart, whatever their values. */
function seriesOf(p: ParetoPoint): keyof typeof PARETO_SERIES {
  if (!p.feasible) return 'infeasible';
  return p.dominated ? 'dominated' : 'front';
}

/** Above this many objectives, the scatter matrix pairs the first ones only; the parallel view has all. */
export const MAX_MATRIX_OBJECTIVES = 5;

type Series = keyof typeof PARETO_SERIES;

/**
 * Every completed trial by its objective values: the feasible non-dominated ones (the front) in red, the
 * dominated feasible ones dimmed, and, in a constrained study, the infeasible ones as hollow diamonds of
 * their own legend entry. Two objectives are one chart; three or more are a parallel-coordinates view of
 * all of them and a scatter matrix of their pairs, each pair with the flags judged on all objectives.
 */
export function paretoCharts(data: ParetoFrontData | null): ChartSpec[] {
  if (!data || data.points.length === 0) return [];
  const shown = Math.min(data.dimensions, MAX_MATRIX_OBJECTIVES);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < shown; i++) for (let j = i + 1; j < shown; j++) pairs.push([i, j]);
  const scatter = pairs.map(([i, j]) => pairChart(data, i, j));
  return data.dimensions >= 3 ? [objectivesChart(data), ...scatter] : scatter;
}

/** The series drawn, in drawing order: the front on top. */
function seriesOrder(data: ParetoFrontData): Series[] {
  return data.constrained ? ['dominated', 'infeasible', 'front'] : ['dominated', 'front'];
}

function pick(data: ParetoFrontData, series: Series): ParetoPoint[] {
  return data.points.filter((p) => seriesOf(p) === series);
}

function pairChart(data: ParetoFrontData, i: number, j: number): ChartSpec {
  const style: Record<Series, object> = {
    // Dimmed: the trials a reader can ignore when choosing a trade-off.
    dominated: { symbolSize: 6, itemStyle: { color: '#8a96a3', opacity: 0.55 } },
    infeasible: {
      symbol: 'diamond',
      symbolSize: 9,
      itemStyle: { color: 'rgba(142, 68, 173, 0.08)', borderColor: '#8e44ad', borderWidth: 1.5 },
      z: 2,
    },
    front: { symbolSize: 8, itemStyle: { color: '#d64545' }, z: 3 },
  };
  return {
    option: {
      grid: GRID,
      legend: { top: 4, right: 8 },
      tooltip: {
        trigger: 'item',
        formatter: (q: unknown) => {
          const v = itemValue(q);
          const series = (q as { seriesName?: string }).seriesName;
          const note = series === PARETO_SERIES.infeasible ? '<br>infeasible: a constraint is > 0' : '';
          return `Trial ${v[2]}<br>${fmt(v[0])}, ${fmt(v[1])}${note}`;
        },
      },
      xAxis: { ...valueAxis(data.objectives[i].name), nameGap: 28 },
      yAxis: valueAxis(data.objectives[j].name),
      series: seriesOrder(data).map((series) => ({
        name: PARETO_SERIES[series],
        type: 'scatter' as const,
        ...style[series],
        data: pick(data, series).map((p) => [p.values[i], p.values[j], p.number]),
      })),
    },
  };
}

/** One line per trial across every objective's axis, in the same three series as the pairs. */
function objectivesChart(data: ParetoFrontData): ChartSpec {
  const style: Record<Series, object> = {
    dominated: { lineStyle: { color: '#8a96a3', width: 1.2, opacity: 0.6 } },
    infeasible: { lineStyle: { color: '#8e44ad', width: 1.2, opacity: 0.8, type: 'dashed' } },
    front: { lineStyle: { color: '#d64545', width: 2, opacity: 0.9 }, z: 3 },
  };
  return {
    height: 360,
    wide: true,
    option: {
      legend: { top: 4, right: 8 },
      tooltip: { trigger: 'item' },
      parallel: { left: 60, right: 60, top: 56, bottom: 30 },
      parallelAxis: data.objectives.map((o, dim) => ({ dim, name: o.name, type: 'value', scale: true })),
      series: seriesOrder(data).map((series) => ({
        name: PARETO_SERIES[series],
        type: 'parallel' as const,
        ...style[series],
        // The trial number rides along after the axes' values, for the tooltip.
        data: pick(data, series).map((p) => ({ name: `Trial ${p.number}`, value: [...p.values] })),
      })),
    },
  };
}
