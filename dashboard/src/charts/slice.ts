import type { SliceData } from '@tuneforge/core';
import { fmt } from '../format';
import { GRID, itemValue, paramAxisOption, paramLabel, valueAxis, type ChartSpec } from './theme';

/** One chart per parameter: the objective against the parameter's value, later trials darker. */
export function sliceCharts(data: SliceData): ChartSpec[] {
  let maxNumber = 0;
  for (const p of data.params) for (const q of p.points) maxNumber = Math.max(maxNumber, q.number);
  return data.params.map((p) => ({
    option: {
      grid: GRID,
      tooltip: {
        trigger: 'item',
        formatter: (q: unknown) => {
          const v = itemValue(q);
          return `Trial ${v[2]}<br>${p.axis.name} = ${paramLabel(p.axis, v[0])}<br>${fmt(v[1])}`;
        },
      },
      visualMap: {
        show: false,
        dimension: 2,
        min: 0,
        max: Math.max(1, maxNumber),
        inRange: { color: ['#9ecae1', '#08306b'] },
      },
      xAxis: paramAxisOption(p.axis),
      yAxis: valueAxis(data.objective.name),
      series: [{ type: 'scatter', symbolSize: 7, data: p.points.map((q) => [q.x, q.value, q.number]) }],
    },
  }));
}
