import type { TimelineData, TrialState } from '@tuneforge/core';
import type { CustomSeriesOption } from 'echarts';
import { itemValue, STATE_COLORS, type ChartSpec } from './theme';

/** Trials as bars from start to end, one row per concurrent slot of each worker, coloured by state. */
export function timelineCharts(data: TimelineData): ChartSpec[] {
  if (data.bars.length === 0) return [];
  const rows: string[] = [];
  const firstRow: number[] = [];
  for (const lane of data.lanes) {
    firstRow.push(rows.length);
    for (let s = 0; s < lane.slots; s++) rows.push(lane.slots > 1 ? `${lane.name} #${s + 1}` : lane.name);
  }
  const states = (Object.keys(STATE_COLORS) as TrialState[]).filter((state) =>
    data.bars.some((b) => b.state === state),
  );
  const series: CustomSeriesOption[] = states.map((state) => ({
    name: state,
    type: 'custom',
    itemStyle: { color: STATE_COLORS[state] },
    encode: { x: [0, 1], y: 2 },
    data: data.bars
      .filter((b) => b.state === state)
      .map((b) => [b.start, b.end, firstRow[b.lane] + b.slot, b.number]),
    renderItem: (_params, api) => {
      const row = api.value(2);
      const a = api.coord([api.value(0), row]);
      const b = api.coord([api.value(1), row]);
      const h = (api.size!([0, 1]) as number[])[1] * 0.62;
      return {
        type: 'rect',
        shape: { x: a[0], y: a[1] - h / 2, width: Math.max(b[0] - a[0], 2), height: h },
        style: { fill: STATE_COLORS[state], stroke: '#fff', lineWidth: 0.5 },
      };
    },
  }));
  return [
    {
      height: Math.min(900, Math.max(180, 90 + 26 * rows.length)),
      option: {
        grid: { left: 110, right: 24, top: 36, bottom: 40 },
        legend: { top: 4, right: 8, data: states },
        tooltip: {
          trigger: 'item',
          formatter: (p: unknown) => {
            const v = itemValue(p);
            const state = (p as { seriesName: string }).seriesName.toLowerCase();
            return `Trial ${v[3]} (${state})<br>${((v[1] - v[0]) / 1000).toFixed(2)} s`;
          },
        },
        xAxis: { type: 'time', min: data.start ?? undefined, max: data.end ?? undefined },
        yAxis: { type: 'category', data: rows, inverse: true },
        series,
      },
    },
  ];
}
