import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The scripts a report inlines, so that it opens without a network or a server. */
export interface ReportAssets {
  /** The chart library's minified browser bundle (Apache ECharts, defines `echarts`). */
  readonly chartLibrary: string;
  /** Our browser code that draws the charts from the embedded plot data (`report-client.js`). */
  readonly clientScript: string;
}

let cached: ReportAssets | null = null;

/** Reads the assets once per process: ECharts from node_modules, the client script from beside this file. */
export function loadReportAssets(): ReportAssets {
  cached ??= {
    chartLibrary: readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8'),
    clientScript: readFileSync(join(__dirname, 'report-client.js'), 'utf8'),
  };
  return cached;
}
