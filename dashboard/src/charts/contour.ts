import type { ContourData, ParamAxis } from '@tuneforge/core';
import type { CustomSeriesRenderItem } from 'echarts';
import { fmt } from '../format';
import { extent, itemValue, paramAxisOption, paramLabel, scaleFor, type ChartSpec } from './theme';

/** Cell edges around grid nodes: halfway between neighbours (in log space on log axes), the range at the ends. */
function cellEdges(axis: ParamAxis, nodes: readonly number[]): number[] {
  const log = axis.scale === 'log';
  const lo = axis.categories ? -0.5 : axis.range[0];
  const hi = axis.categories ? axis.categories.length - 0.5 : axis.range[1];
  const edges = [lo];
  for (let i = 1; i < nodes.length; i++) {
    edges.push(log ? Math.sqrt(nodes[i - 1] * nodes[i]) : (nodes[i - 1] + nodes[i]) / 2);
  }
  edges.push(hi);
  return edges;
}

const renderCell: CustomSeriesRenderItem = (_params, api) => {
  const a = api.coord([api.value(0), api.value(2)]);
  const b = api.coord([api.value(1), api.value(3)]);
  return {
    type: 'rect',
    shape: {
      x: Math.min(a[0], b[0]),
      y: Math.min(a[1], b[1]),
      width: Math.abs(b[0] - a[0]) + 0.6,
      height: Math.abs(b[1] - a[1]) + 0.6,
    },
    style: { fill: api.visual('color') as string },
  };
};

/** One chart per pair of parameters: the interpolated objective as coloured cells, the trials as dots. */
export function contourCharts(data: ContourData): ChartSpec[] {
  const specs: ChartSpec[] = [];
  for (const pair of data.pairs) {
    const cells: number[][] = [];
    const zs = pair.points.map((p) => p.value);
    if (pair.grid) {
      const xe = cellEdges(pair.x, pair.grid.xs);
      const ye = cellEdges(pair.y, pair.grid.ys);
      pair.grid.z.forEach((row, j) =>
        row.forEach((z, i) => {
          cells.push([xe[i], xe[i + 1], ye[j], ye[j + 1], z]);
          zs.push(z);
        }),
      );
    }
    if (zs.length === 0) continue;
    const [lo, hi] = extent(zs);
    specs.push({
      option: {
        grid: { left: 64, right: 70, top: 20, bottom: 48 },
        tooltip: {
          trigger: 'item',
          formatter: (q: unknown) => {
            const v = itemValue(q);
            if ((q as { seriesIndex: number }).seriesIndex === 0) return `interpolated ${fmt(v[4])}`;
            return `Trial ${v[3]}<br>${pair.x.name} = ${paramLabel(pair.x, v[0])}<br>${pair.y.name} = ${paramLabel(pair.y, v[1])}<br>${fmt(v[2])}`;
          },
        },
        visualMap: {
          type: 'continuous',
          seriesIndex: 0,
          dimension: 4,
          min: lo,
          max: hi,
          inRange: { color: scaleFor(data.objective.direction) },
          orient: 'vertical',
          right: 4,
          top: 'middle',
          itemWidth: 10,
          itemHeight: 150,
          text: [fmt(hi), fmt(lo)],
          textStyle: { fontSize: 10 },
          calculable: false,
        },
        xAxis: paramAxisOption(pair.x),
        yAxis: { ...paramAxisOption(pair.y), nameGap: 44 },
        series: [
          { type: 'custom', encode: { x: [0, 1], y: [2, 3] }, data: cells, renderItem: renderCell },
          {
            type: 'scatter',
            symbolSize: 6,
            itemStyle: { color: '#fff', borderColor: '#17202b', borderWidth: 1 },
            data: pair.points.map((p) => [p.x, p.y, p.value, p.number]),
            z: 3,
          },
        ],
      },
    });
  }
  return specs;
}
