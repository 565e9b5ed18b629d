import { defaultReportPath } from './report-command';

describe('defaultReportPath', () => {
  it.each([
    ['digits-demo', 'tuneforge-report-digits-demo.html'],
    ['runs/2025 05', 'tuneforge-report-runs_2025_05.html'],
    ['étude:1', 'tuneforge-report-_tude_1.html'],
  ])('names the report of %j %s', (name, path) => expect(defaultReportPath(name)).toBe(path));
});
