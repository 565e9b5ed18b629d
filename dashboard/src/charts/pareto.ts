import type { ParetoFrontData } from '@tuneforge/core';
import { fmt } from '../format';
import { GRID, itemValue, valueAxis, type ChartSpec } from './theme';

/** Every completed trial by its objective values, the non-dominated ones in red; 3 objectives as 3 pairs. */
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
    const pick = (dominated: boolean) =>
      data.points.filter((p) => p.dominated === dominated).map((p) => [p.values[i], p.values[j], p.number]);
    return {
      option: {
        grid: GRID,
        legend: { top: 4, right: 8 },
        tooltip: {
          trigger: 'item',
          formatter: (q: unknown) => {
            const v = itemValue(q);
            return `Trial ${v[2]}<br>${fmt(v[0])}, ${fmt(v[1])}`;
          },
        },
        xAxis: { ...valueAxis(data.objectives[i].name), nameGap: 28 },
        yAxis: valueAxis(data.objectives[j].name),
        series: [
          {
            name: 'Dominated',
            type: 'scatter',
            symbolSize: 6,
            itemStyle: { color: '#9aa5b1', opacity: 0.7 },
            data: pick(true),
          },
          {
            name: 'Pareto front',
            type: 'scatter',
            symbolSize: 8,
            itemStyle: { color: '#d64545' },
            data: pick(false),
            z: 3,
          },
        ],
      },
    };
  });
}
