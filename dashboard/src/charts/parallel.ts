import type { ParallelCoordinatesData } from '@tuneforge/core';
import type { EChartsOption } from 'echarts';
import { fmt } from '../format';
import { extent, scaleFor, type ChartSpec } from './theme';

type ParallelAxis = Record<string, unknown> & { dim: number; name: string };

/** The objective as the first axis, then one axis per parameter; lines coloured by the objective. */
export function parallelCharts(data: ParallelCoordinatesData): ChartSpec[] {
  if (data.rows.length === 0) return [];
  const axes: ParallelAxis[] = [{ dim: 0, name: data.objective.name, type: 'value', scale: true }];
  data.dimensions.forEach((d, i) => {
    if (d.categories) axes.push({ dim: i + 1, name: d.name, type: 'category', data: [...d.categories] });
    else
      axes.push({
        dim: i + 1,
        name: d.name,
        type: d.scale === 'log' ? 'log' : 'value',
        min: d.range[0],
        max: d.range[1],
      });
  });
  const [lo, hi] = extent(data.rows.map((r) => r.value));
  return [
    {
      height: 380,
      option: {
        parallel: { left: 70, right: 90, top: 50, bottom: 30 },
        parallelAxis: axes as EChartsOption['parallelAxis'],
        visualMap: {
          type: 'continuous',
          dimension: 0,
          min: lo,
          max: hi,
          inRange: { color: scaleFor(data.objective.direction).slice(1) },
          right: 4,
          top: 'middle',
          itemWidth: 10,
          itemHeight: 150,
          text: [fmt(hi), fmt(lo)],
          calculable: false,
        },
        series: [
          {
            type: 'parallel',
            lineStyle: { width: 1.2, opacity: 0.6 },
            data: data.rows.map((r) => [
              r.value,
              ...r.coordinates.map((c, i) => data.dimensions[i].categories?.[c] ?? c),
            ]),
          },
        ],
      },
    },
  ];
}
