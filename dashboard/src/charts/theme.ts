import type { ParamAxis, StudyDirection, TrialState } from '@tuneforge/core';
import type { EChartsOption } from 'echarts';
import { fmt } from '../format';

// The colours and axes of every chart, shared by the live dashboard and the HTML report of
// `tuneforge report` (dashboard/src/report), so that both draw the same plot data the same way.

export const STATE_COLORS: Record<TrialState, string> = {
  COMPLETE: '#3366cc',
  PRUNED: '#e8912d',
  FAIL: '#d64545',
  RUNNING: '#2e9e5b',
  WAITING: '#8a96a3',
};

/** Light to dark; the better end of the objective is drawn dark. */
const SCALE = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];

export function scaleFor(direction: StudyDirection): string[] {
  return direction === 'minimize' ? [...SCALE].reverse() : SCALE;
}

export const GRID = { left: 64, right: 24, top: 36, bottom: 48 };

/** One chart to draw: its ECharts option and, when it depends on the data, its height in pixels. */
export interface ChartSpec {
  readonly option: EChartsOption;
  readonly height?: number;
  /** Across the whole panel where the panel lays its charts out in a grid. */
  readonly wide?: boolean;
}

export function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

export function valueAxis(name: string) {
  return { type: 'value' as const, name, nameLocation: 'middle' as const, nameGap: 48, scale: true };
}

/** An ECharts axis for a parameter: value, log, or categories at 0, 1, 2, … */
export function paramAxisOption(axis: ParamAxis) {
  const base = {
    name: axis.name,
    nameLocation: 'middle' as const,
    nameGap: 28,
    splitLine: { show: false },
    // The other axis crosses at its minimum, not at 0 (which is inside the range of many parameters).
    axisLine: { onZero: false },
  };
  if (axis.categories) {
    // A value axis with ticks at the indices, so that the contour's cells can span ±0.5 around them.
    const categories = axis.categories;
    const indices = categories.map((_, i) => i);
    return {
      ...base,
      type: 'value' as const,
      min: -0.5,
      max: categories.length - 0.5,
      axisTick: { customValues: indices },
      axisLabel: { customValues: indices, formatter: (v: number) => categories[Math.round(v)] ?? '' },
    };
  }
  if (axis.scale === 'log') return { ...base, type: 'log' as const, min: axis.range[0], max: axis.range[1] };
  return {
    ...base,
    type: 'value' as const,
    min: axis.range[0],
    max: axis.range[1],
    minInterval: axis.integer ? 1 : 0,
  };
}

export function paramLabel(axis: ParamAxis, x: number): string {
  return axis.categories ? (axis.categories[x] ?? String(x)) : fmt(x);
}

/** The `value` array of a tooltip's item, whatever ECharts types it as. */
export function itemValue(params: unknown): number[] {
  return (params as { value: number[] }).value;
}
