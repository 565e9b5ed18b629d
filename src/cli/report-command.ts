import { loadStudy } from '@tuneforge/core';
import type { Command } from 'commander';
import { namingStoredStudies, openCliStorage } from './cli-storage';
import { fileInExistingFolder, nonNegativeInt } from './parse-options';
import { writeStudyReport } from './report';

interface ReportFlags {
  storage: string;
  out?: string;
  seed: number;
}

/** `tuneforge-report-<study>.html`, with whatever a file name should not hold replaced by `_`. */
export function defaultReportPath(studyName: string): string {
  return `tuneforge-report-${studyName.replace(/[^A-Za-z0-9_.-]/g, '_')}.html`;
}

/** `tuneforge report <study> --storage <url> --out report.html`: the study as one self-contained HTML file. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'write a self-contained HTML report of a study: summary, best trial, plots, importances, trials',
    )
    .argument('<study>', 'study name')
    .requiredOption('--storage <url>', 'memory:, sqlite:<file> or postgres://user@host:port/db')
    .option(
      '--out <file.html>',
      'where to write the report, in an existing folder (default: tuneforge-report-<study>.html)',
      fileInExistingFolder('--out'),
    )
    .option('--seed <n>', 'seed of the importance estimator', nonNegativeInt('--seed'), 0)
    .action(async (name: string, flags: ReportFlags) => {
      const storage = await openCliStorage(flags.storage, 'read-only');
      try {
        const study = await namingStoredStudies(flags.storage, () => loadStudy({ studyName: name, storage }));
        const written = await writeStudyReport(study, flags.out ?? defaultReportPath(name), {
          importanceSeed: flags.seed,
        });
        const size = (written.bytes / 1024 / 1024).toFixed(1);
        process.stdout.write(
          `Wrote the report of study '${name}' (${written.trials} trials, ${size} MB) to ${written.path}\n`,
        );
      } finally {
        await storage.close();
      }
    });
}
