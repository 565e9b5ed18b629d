import type { EChartsType, init } from 'echarts';
import { markSeries } from '../charts/series-summary';
import type { ChartSpec } from '../charts/theme';
import { h } from '../dom';

/**
 * The part of ECharts the report uses. The page inlines the library's full browser build
 * (echarts.min.js, which defines the global `echarts`) before this script, so the report's own bundle
 * holds only our code; the dashboard bundles the parts it draws with instead (charts/echarts.ts).
 */
interface ChartLibrary {
  readonly init: typeof init;
}

function chartLibrary(): ChartLibrary {
  const library = (globalThis as { echarts?: ChartLibrary }).echarts;
  if (!library) throw new Error('ECharts is missing: the report inlines echarts.min.js before its script');
  return library;
}

/**
 * Draws `specs` (one chart each) into `box`, as SVG so that the charts stay sharp when the report is
 * printed or zoomed. A spec's height, when it has one, overrides the stylesheet's.
 */
export function drawCharts(box: HTMLElement, specs: readonly ChartSpec[]): EChartsType[] {
  const { init } = chartLibrary();
  return specs.map((spec) => {
    const div = h('div', { class: spec.wide ? 'chart wide' : 'chart' });
    if (spec.height !== undefined) div.style.height = `${spec.height}px`;
    box.appendChild(div);
    const chart = init(div, null, { renderer: 'svg' });
    chart.setOption({ animation: false, ...spec.option });
    markSeries(div, chart);
    return chart;
  });
}
