import type { HypervolumeHistoryData } from '@tuneforge/core';
import { fmt } from '../format';
import { GRID, itemValue, type ChartSpec } from './theme';

export const HYPERVOLUME_SERIES = 'Hypervolume';

/** Where the hypervolume is measured from, as the chart's caption says it. */
export function referencePointText(data: HypervolumeHistoryData): string {
  if (!data.referencePoint) return '';
  const point = `Reference point (${data.referencePoint.map(fmt).join(', ')})`;
  return data.referencePointSource === 'given' ? point : `${point}, the default`;
}

/**
 * The hypervolume of the feasible front after each finished trial, as a step line: flat while trials add
 * nothing to the front, up when one does.
 */
export function hypervolumeCharts(data: HypervolumeHistoryData | null): ChartSpec[] {
  if (!data || data.points.length === 0) return [];
  return [
    {
      option: {
        grid: { ...GRID, top: 56 },
        title: {
          text: referencePointText(data),
          // The rule of the default point, in words, so that a reader can compare two charts' volumes.
          subtext: data.referencePointSource === 'default' ? data.referencePointRule : '',
          left: 8,
          top: 0,
          itemGap: 6,
          textStyle: { fontSize: 12, lineHeight: 16, fontWeight: 'normal', color: '#17202b' },
          subtextStyle: { fontSize: 11, lineHeight: 14, color: '#5d6b7a' },
        },
        legend: { top: 4, right: 8, data: [HYPERVOLUME_SERIES] },
        tooltip: {
          trigger: 'item',
          formatter: (q: unknown) => `After trial ${itemValue(q)[0]}<br>${fmt(itemValue(q)[1])}`,
        },
        xAxis: {
          type: 'value',
          name: 'Trial',
          nameLocation: 'middle',
          nameGap: 28,
          minInterval: 1,
          min: 'dataMin',
          max: 'dataMax',
        },
        yAxis: { type: 'value', name: HYPERVOLUME_SERIES, nameLocation: 'middle', nameGap: 48, min: 0 },
        series: [
          {
            name: HYPERVOLUME_SERIES,
            type: 'line',
            step: 'end',
            symbolSize: 4,
            lineStyle: { color: '#d64545', width: 2 },
            itemStyle: { color: '#d64545' },
            data: data.points.map((p) => [p.number, p.hypervolume]),
          },
        ],
      },
    },
  ];
}
