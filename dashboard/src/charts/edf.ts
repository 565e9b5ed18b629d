import type { EmpiricalDistributionData } from '@tuneforge/core';
import { GRID, STATE_COLORS, type ChartSpec } from './theme';

/** The empirical distribution of the objective values, as a step line. */
export function edfCharts(data: EmpiricalDistributionData): ChartSpec[] {
  if (data.points.length === 0) return [];
  return [
    {
      option: {
        grid: GRID,
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'value', name: data.objective.name, nameLocation: 'middle', nameGap: 28, scale: true },
        yAxis: {
          type: 'value',
          name: 'Cumulative probability',
          nameLocation: 'middle',
          nameGap: 40,
          min: 0,
          max: 1,
        },
        series: [
          {
            type: 'line',
            step: 'end',
            showSymbol: false,
            lineStyle: { color: STATE_COLORS.COMPLETE, width: 2 },
            data: data.points.map((p) => [p.value, p.fraction]),
          },
        ],
      },
    },
  ];
}
