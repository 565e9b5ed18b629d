import type { OptimizationHistoryData } from '@tuneforge/core';
import { fmt } from '../format';
import { GRID, itemValue, STATE_COLORS, valueAxis, type ChartSpec } from './theme';

/** Objective values of the completed trials by number, and the best value so far as a step line. */
export function historyCharts(data: OptimizationHistoryData): ChartSpec[] {
  const several = data.series.length > 1;
  return data.series
    .filter((s) => s.values.length > 0)
    .map((s) => ({
      option: {
        title: several ? { text: s.objective.name, textStyle: { fontSize: 13 } } : undefined,
        grid: GRID,
        tooltip: { trigger: 'item' },
        legend: { top: 4, right: 8, data: ['Objective value', 'Best value'] },
        xAxis: { type: 'value', name: 'Trial', nameLocation: 'middle', nameGap: 28, minInterval: 1 },
        yAxis: valueAxis(s.objective.name),
        series: [
          {
            name: 'Objective value',
            type: 'scatter',
            symbolSize: 7,
            itemStyle: { color: STATE_COLORS.COMPLETE, opacity: 0.75 },
            data: s.values.map((p) => [p.number, p.value]),
            tooltip: {
              formatter: (p: unknown) => `Trial ${itemValue(p)[0]}<br>${fmt(itemValue(p)[1])}`,
            },
          },
          {
            name: 'Best value',
            type: 'line',
            step: 'end',
            showSymbol: false,
            lineStyle: { color: '#d64545', width: 2 },
            itemStyle: { color: '#d64545' },
            data: s.bestSoFar.map((p) => [p.number, p.value]),
          },
        ],
      },
    }));
}

/** Points the history shows (of the first objective): what the live view and its test watch grow. */
export function historyPointCount(data: OptimizationHistoryData): number {
  return data.series[0]?.values.length ?? 0;
}
