import { createStudy, floatDistribution } from '@tuneforge/core';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReportNotWrittenError, writeStudyReport } from './write-study-report';

describe('writeStudyReport', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tuneforge-report-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one self-contained file with the chart library, the client and the study data', async () => {
    const study = await createStudy({ studyName: 'quad', direction: 'minimize' });
    for (let i = 0; i < 6; i++) {
      await study.addTrial({
        value: (i - 3) ** 2,
        params: { x: i },
        distributions: { x: floatDistribution(0, 5) },
        intermediateValues: { 1: 10 - i },
        datetimeStart: 1000 * i,
        datetimeComplete: 1000 * i + 500,
      });
    }
    const target = join(dir, 'nested', 'report.html');
    const written = await writeStudyReport(study, target, { now: Date.UTC(2025, 5, 1) });
    expect(written).toMatchObject({ path: target, trials: 6 });
    const html = readFileSync(target, 'utf8');
    expect(written.bytes).toBe(Buffer.byteLength(html));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('Apache Software Foundation'); // the ECharts bundle's licence header
    expect(html).toContain('tuneforge-report-data');
    expect(html).toContain('2025-06-01T00:00:00.000Z');
    expect(html).toContain('<td>3</td>'); // trial 3's x and the best value 0 are in the table
    expect(readdirSync(join(dir, 'nested'))).toEqual(['report.html']); // no partial file left behind
  });

  it('says which file it could not write, and leaves no partial file', async () => {
    const study = await createStudy({ studyName: 'blocked' });
    await study.addTrial({ value: 1, params: { x: 1 }, distributions: { x: floatDistribution(0, 2) } });
    // A folder where the report should go: the rename over it fails after the HTML is written.
    const target = join(dir, 'taken');
    mkdirSync(join(target, 'inside'), { recursive: true });
    const written = writeStudyReport(study, target);
    await expect(written).rejects.toThrow(ReportNotWrittenError);
    await expect(written).rejects.toThrow(`cannot write the report to ${target}: `);
    expect(readdirSync(dir).sort()).toEqual(['taken']);
    expect(readdirSync(target)).toEqual(['inside']);
  });

  it('writes the same file twice for the same trials and time', async () => {
    const study = await createStudy({ studyName: 'same' });
    await study.addTrial({ value: 1, params: { x: 1 }, distributions: { x: floatDistribution(0, 2) } });
    await study.addTrial({ value: 2, params: { x: 2 }, distributions: { x: floatDistribution(0, 2) } });
    await writeStudyReport(study, join(dir, 'a.html'), { now: 5 });
    await writeStudyReport(study, join(dir, 'b.html'), { now: 5 });
    expect(readFileSync(join(dir, 'a.html'), 'utf8')).toBe(readFileSync(join(dir, 'b.html'), 'utf8'));
  });
});
