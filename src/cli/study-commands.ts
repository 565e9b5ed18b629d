import {
  DEFAULT_REFERENCE_POINT_RULE,
  formatTrials,
  isFeasible,
  loadStudy,
  paretoSummary,
  TRIAL_FORMATS,
  type Storage,
  type TrialFormat,
} from '@tuneforge/core';
import type { StorageAccess } from '@tuneforge/storage';
import type { Command } from 'commander';
import { CliUsageError } from './cli-error';
import { namingStoredStudies, openCliStorage } from './cli-storage';
import { numberList, oneOf } from './parse-options';

const STORAGE_FLAG = ['--storage <url>', 'memory:, sqlite:<file> or postgres://user@host:port/db'] as const;

/**
 * Runs `use` on the storage, opened only as far as the command needs: the readers never write (nor
 * create a database), `delete-study` needs an existing one.
 */
async function withStorage<T>(
  url: string,
  access: StorageAccess,
  use: (storage: Storage) => Promise<T>,
): Promise<T> {
  const storage = await openCliStorage(url, access);
  try {
    return await namingStoredStudies(url, () => use(storage));
  } finally {
    await storage.close();
  }
}

/** A number as the summaries print it: 6 significant digits, no trailing zeros. */
function short(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** `[1.1, 2.2]` */
function point(p: readonly number[]): string {
  return `[${p.map(short).join(', ')}]`;
}

/** `studies`, `trials`, `best-trial`, `best-trials`, `delete-study`: read and manage studies in any storage. */
export function registerStudyCommands(program: Command): void {
  program
    .command('studies')
    .description('list the studies of a storage with their trial counts')
    .requiredOption(...STORAGE_FLAG)
    .action(async (flags: { storage: string }) => {
      await withStorage(flags.storage, 'read-only', async (storage) => {
        const studies = await storage.listStudies();
        if (studies.length === 0) {
          process.stdout.write(`No study in ${storage.url}\n`);
          return;
        }
        let measured = false;
        for (const s of studies) {
          const counts = Object.entries(s.trialCounts)
            .filter(([, n]) => n > 0)
            .map(([state, n]) => `${state.toLowerCase()} ${n}`)
            .join(', ');
          let line = `${s.studyName}\t${s.directions.join(',')}\t${counts || 'no trials'}`;
          if (s.directions.length > 1) {
            // The feasible front's hypervolume, for the default reference point of the study's own trials.
            const summary = paretoSummary(await storage.getAllTrials(s.studyId), s.directions);
            // Without a COMPLETE trial there is no reference point, and no hypervolume to speak of.
            if (summary.referencePoint) {
              line += `\thypervolume ${short(summary.hypervolume)} at ${point(summary.referencePoint)}`;
              measured = true;
            } else line += '\thypervolume -';
          }
          process.stdout.write(`${line}\n`);
        }
        if (measured) {
          process.stdout.write(
            `Hypervolume: of the feasible Pareto front, from the reference point after "at": ${DEFAULT_REFERENCE_POINT_RULE}.\n`,
          );
        }
      });
    });

  program
    .command('trials')
    .description('print the trials of a study')
    .argument('<study>', 'study name')
    .requiredOption(...STORAGE_FLAG)
    .option('--format <format>', TRIAL_FORMATS.join(' | '), oneOf('--format', TRIAL_FORMATS), 'table')
    .action(async (name: string, flags: { storage: string; format: TrialFormat }) => {
      await withStorage(flags.storage, 'read-only', async (storage) => {
        const study = await loadStudy({ studyName: name, storage });
        process.stdout.write(formatTrials(study.trials, study.directions.length, flags.format));
      });
    });

  program
    .command('best-trial')
    .description('print the best trial of a study (the Pareto front for several objectives)')
    .argument('<study>', 'study name')
    .requiredOption(...STORAGE_FLAG)
    .action(async (name: string, flags: { storage: string }) => {
      await withStorage(flags.storage, 'read-only', async (storage) => {
        const study = await loadStudy({ studyName: name, storage });
        if (study.directions.length > 1) {
          // Always an array for several objectives (the feasible Pareto front, as best-trials lists it).
          const { front } = paretoSummary(study.trials, study.directions);
          process.stdout.write(JSON.stringify(front, null, 2) + '\n');
          return;
        }
        const best = study.bestTrial;
        if (!isFeasible(best)) {
          process.stderr.write(
            `tuneforge: no COMPLETE trial of '${name}' satisfies its constraints; this is the one that violates them least.\n`,
          );
        }
        process.stdout.write(JSON.stringify(best, null, 2) + '\n');
      });
    });

  program
    .command('best-trials')
    .description(
      'print the feasible Pareto front of a multi-objective study (COMPLETE trials whose constraints hold and that no other dominates) and its hypervolume',
    )
    .argument('<study>', 'study name')
    .requiredOption(...STORAGE_FLAG)
    .option('--format <format>', TRIAL_FORMATS.join(' | '), oneOf('--format', TRIAL_FORMATS), 'table')
    .option(
      '--ref <numbers>',
      `reference point of the hypervolume, one number per objective (default: ${DEFAULT_REFERENCE_POINT_RULE})`,
      numberList('--ref'),
    )
    .action(async (name: string, flags: { storage: string; format: TrialFormat; ref?: number[] }) => {
      await withStorage(flags.storage, 'read-only', async (storage) => {
        const study = await loadStudy({ studyName: name, storage });
        const n = study.directions.length;
        if (n === 1) {
          throw new CliUsageError(
            `Study '${name}' has one objective: print its best trial with tuneforge best-trial ${name}.`,
          );
        }
        if (flags.ref && flags.ref.length !== n) {
          throw new CliUsageError(
            `--ref needs ${n} numbers (one per objective of '${name}', in the order ${study.directions.join(', ')}), got ${flags.ref.length}.`,
          );
        }
        const summary = paretoSummary(study.trials, study.directions, flags.ref);
        process.stdout.write(formatTrials(summary.front, n, flags.format));
        // csv and json stay machine-readable; the table gets what it means.
        if (flags.format !== 'table') return;
        const count = summary.front.length;
        const source =
          summary.referencePointSource === 'given'
            ? 'given with --ref'
            : `the default: ${DEFAULT_REFERENCE_POINT_RULE}`;
        const volume = summary.referencePoint
          ? `Hypervolume ${short(summary.hypervolume)} for the reference point ${point(summary.referencePoint)} (${source}).`
          : 'Hypervolume 0: no COMPLETE trial yet.';
        const plural = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
        process.stdout.write(
          `\n${plural(count, 'trial')} on the feasible Pareto front (${study.directions.join(', ')}); ` +
            `${plural(summary.infeasible, 'COMPLETE trial')} infeasible.\n${volume}\n`,
        );
      });
    });

  program
    .command('delete-study')
    .description('delete a study and all its trials')
    .argument('<study>', 'study name')
    .requiredOption(...STORAGE_FLAG)
    .action(async (name: string, flags: { storage: string }) => {
      await withStorage(flags.storage, 'existing', async (storage) => {
        await storage.deleteStudy(await storage.getStudyIdByName(name));
        process.stdout.write(`Deleted study '${name}'.\n`);
      });
    });
}
