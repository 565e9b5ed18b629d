import type { ParamImportance } from '@tuneforge/core';
import { STATE_COLORS, type ChartSpec } from './theme';

/** Parameter importances as horizontal bars, most important on top. */
export function importanceCharts(list: readonly ParamImportance[] | null): ChartSpec[] {
  if (!list || list.length === 0) return [];
  const names = list.map((r) => r.param);
  return [
    {
      height: Math.max(140, 40 + 28 * names.length),
      option: {
        grid: { left: 140, right: 60, top: 10, bottom: 30 },
        tooltip: { trigger: 'item' },
        xAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
        yAxis: { type: 'category', inverse: true, data: names },
        series: [
          {
            type: 'bar',
            barMaxWidth: 22,
            itemStyle: { color: STATE_COLORS.COMPLETE },
            label: {
              show: true,
              position: 'right',
              formatter: (p: unknown) => `${((p as { value: number }).value * 100).toFixed(1)}%`,
            },
            data: list.map((r) => r.importance),
          },
        ],
      },
    },
  ];
}
