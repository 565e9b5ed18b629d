import { formatTrials, loadStudy, TRIAL_FORMATS, type Storage, type TrialFormat } from '@tuneforge/core';
import type { StorageAccess } from '@tuneforge/storage';
import type { Command } from 'commander';
import { openCliStorage } from './cli-storage';
import { oneOf } from './parse-options';

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
    return await use(storage);
  } finally {
    await storage.close();
  }
}

/** `studies`, `trials`, `best-trial`, `delete-study`: read and manage studies in any storage. */
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
        for (const s of studies) {
          const counts = Object.entries(s.trialCounts)
            .filter(([, n]) => n > 0)
            .map(([state, n]) => `${state.toLowerCase()} ${n}`)
            .join(', ');
          process.stdout.write(`${s.studyName}\t${s.directions.join(',')}\t${counts || 'no trials'}\n`);
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
        const best = study.directions.length > 1 ? study.bestTrials : [study.bestTrial];
        process.stdout.write(JSON.stringify(best.length === 1 ? best[0] : best, null, 2) + '\n');
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
