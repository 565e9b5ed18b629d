import type { Study } from '@tuneforge/core';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadReportAssets } from './report-assets';
import { buildReportModel } from './report-model';
import { renderReportHtml } from './render-report-html';

export interface WriteReportOptions {
  /** Seed of the importance forest (same trials and seed, same report). @defaultValue 0 */
  readonly importanceSeed?: number;
  /** The report's time stamp, in epoch ms; running trials end there on the timeline. @defaultValue now */
  readonly now?: number;
}

export interface WrittenReport {
  /** Absolute path of the file written. */
  readonly path: string;
  readonly bytes: number;
  readonly trials: number;
}

/** The report's file could not be written (the CLI prints the message, exit code 1). */
export class ReportNotWrittenError extends Error {
  readonly exitCode = 1;

  constructor(target: string, cause: Error) {
    super(`cannot write the report to ${target}: ${cause.message}`, { cause });
    this.name = 'ReportNotWrittenError';
  }
}

/**
 * Writes the self-contained HTML report of `study` to `path` (parent folders are created). The study's
 * trials are read afresh from its storage first, so a report of a study that other processes are still
 * running shows what they have finished. The file is written beside its target and renamed over it, so
 * a browser that reloads it never sees half a report.
 */
export async function writeStudyReport(
  study: Study,
  path: string,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  const trials = await study.getTrials();
  const model = buildReportModel({
    studyName: study.studyName,
    directions: study.directions,
    trials,
    userAttrs: study.userAttrs,
    storageUrl: study.storage.url,
    generatedAt: options.now ?? Date.now(),
    importanceSeed: options.importanceSeed,
  });
  const html = renderReportHtml(model, loadReportAssets());
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  try {
    writeFileSync(partial, html, 'utf8');
    renameSync(partial, target);
  } catch (e) {
    // A target that cannot be replaced (a folder, no permission) keeps what it was, and no half report stays.
    rmSync(partial, { force: true });
    throw new ReportNotWrittenError(target, e as Error);
  }
  return { path: target, bytes: Buffer.byteLength(html), trials: trials.length };
}
