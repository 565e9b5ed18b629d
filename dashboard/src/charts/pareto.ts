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

/**
 * Every completed trial by its objective values: the feasible non-dominated ones (the front) in red, the
 * dominated feasible ones dimmed, and, in a constrained study, the infeasible ones as hollow diamonds of
 * their own legend entry. Three objectives are drawn as their three pairs (a scatter matrix), each
 * pair with the flags judged on all objectives.
 */
export function paretoCharts(data: ParetoFrontData | null): ChartSpec[] {
  if (!data || data.points.length === 0) return [];
  const pairs: Array<[number, number]> =
    data.dimensions === 2
      ? [[0, 1]]
      : [
          [0, 1],
          [0, 2],
          [1, 2],
        ];
  return pairs.map(([i, j]) => {
    const pick = (series: keyof typeof PARETO_SERIES) =>
      data.points.filter((p) => seriesOf(p) === series).map((p) => [p.values[i], p.values[j], p.number]);
    const infeasible = data.constrained
      ? [
          {
            name: PARETO_SERIES.infeasible,
            type: 'scatter' as const,
            symbol: 'diamond',
            symbolSize: 9,
            itemStyle: { color: 'rgba(142, 68, 173, 0.08)', borderColor: '#8e44ad', borderWidth: 1.5 },
            data: pick('infeasible'),
            z: 2,
          },
        ]
      : [];
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
        series: [
          {
            name: PARETO_SERIES.dominated,
            type: 'scatter',
            symbolSize: 6,
            // Dimmed: the trials a reader can ignore when choosing a trade-off.
            itemStyle: { color: '#8a96a3', opacity: 0.55 },
            data: pick('dominated'),
          },
          ...infeasible,
          {
            name: PARETO_SERIES.front,
            type: 'scatter',
            symbolSize: 8,
            itemStyle: { color: '#d64545' },
            data: pick('front'),
            z: 3,
          },
        ],
      },
    };
  });
}
