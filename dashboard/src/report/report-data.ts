import type { StudyDirection, StudyPlots } from '@tuneforge/core';

/**
 * The JSON block `#tuneforge-report-data` of a report page, as src/cli/report/render-report-html.ts
 * writes it: the study's directions and the core's `studyPlots`, the same data the dashboard's study
 * page gets from `GET /studies/:id/plots`, so the chart modules take it as it is.
 */
export interface ReportData {
  readonly directions: readonly StudyDirection[];
  readonly plots: StudyPlots;
}

export function readReportData(doc: Document): ReportData {
  const block = doc.getElementById('tuneforge-report-data');
  if (!block?.textContent) throw new Error('this page has no #tuneforge-report-data block to draw');
  return JSON.parse(block.textContent) as ReportData;
}
