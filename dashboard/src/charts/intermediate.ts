import type { IntermediateValuesData } from '@tuneforge/core';
import type { SeriesOption } from 'echarts';
import { fmt } from '../format';
import { GRID, itemValue, STATE_COLORS, valueAxis, type ChartSpec } from './theme';

const PRUNED_HERE = 'Pruned here';

/** Learning curves: one line per trial, dashed when the pruner stopped it, a triangle where it did. */
export function intermediateCharts(data: IntermediateValuesData): ChartSpec[] {
  if (data.curves.length === 0) return [];
  const series: SeriesOption[] = data.curves.map((c) => ({
    name: `Trial ${c.number}`,
    type: 'line',
    showSymbol: c.steps.length === 1,
    symbolSize: 5,
    lineStyle: { width: 1.2, opacity: 0.7, type: c.pruned ? 'dashed' : 'solid' },
    itemStyle: { color: STATE_COLORS[c.state] ?? STATE_COLORS.COMPLETE },
    emphasis: { focus: 'series' },
    data: c.steps.map((s, i) => [s, c.values[i]]),
  }));
  series.push({
    name: PRUNED_HERE,
    type: 'scatter',
    symbol: 'triangle',
    symbolSize: 8,
    itemStyle: { color: STATE_COLORS.PRUNED },
    data: data.curves
      .filter((c) => c.pruned)
      .map((c) => [c.steps[c.steps.length - 1], c.values[c.values.length - 1], c.number]),
    z: 5,
  });
  return [
    {
      height: 380,
      option: {
        grid: GRID,
        tooltip: {
          trigger: 'item',
          formatter: (p: unknown) => {
            const { seriesName } = p as { seriesName: string };
            const v = itemValue(p);
            const name = seriesName === PRUNED_HERE ? `Trial ${v[2]} (pruned)` : seriesName;
            return `${name}<br>step ${v[0]}: ${fmt(v[1])}`;
          },
        },
        legend: { show: true, data: [PRUNED_HERE], top: 4, right: 8 },
        xAxis: { type: 'value', name: 'Step', nameLocation: 'middle', nameGap: 28, minInterval: 1 },
        yAxis: valueAxis('Intermediate value'),
        series,
      },
    },
  ];
}
