/** The self-contained HTML report of a study (`tuneforge report`, and `optimize --report`). */
export { writeStudyReport, type WriteReportOptions, type WrittenReport } from './write-study-report';
export { buildReportModel, type ReportInput, type ReportModel } from './report-model';
export { renderReportHtml } from './render-report-html';
export { loadReportAssets, type ReportAssets } from './report-assets';
