import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The scripts a report inlines, so that it opens without a network or a server. */
export interface ReportAssets {
  /** The chart library's minified browser bundle (Apache ECharts, defines `echarts`). */
  readonly chartLibrary: string;
  /**
   * Our browser code that draws the charts from the embedded plot data: the dashboard's chart modules,
   * bundled from dashboard/src/report by `npm run build:report` (see {@link REPORT_CLIENT_PATH}).
   */
  readonly clientScript: string;
}

/**
 * The built report script. It is committed, so that the CLI writes reports from a fresh clone (and from
 * the image, which has no Vite) with no build step; report-client.spec.ts checks it is up to date.
 */
export const REPORT_CLIENT_PATH = join(__dirname, 'generated', 'report-client.js');

let cached: ReportAssets | null = null;

/** Reads the assets once per process: ECharts from node_modules, the report script from beside this file. */
export function loadReportAssets(): ReportAssets {
  if (cached === null) {
    if (!existsSync(REPORT_CLIENT_PATH)) {
      throw new Error(`the report's script ${REPORT_CLIENT_PATH} is missing: run npm run build:report`);
    }
    cached = {
      chartLibrary: readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8'),
      clientScript: readFileSync(REPORT_CLIENT_PATH, 'utf8'),
    };
  }
  return cached;
}
