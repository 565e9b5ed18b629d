import {
  createPruner,
  createSampler,
  createStudy,
  PRUNER_TYPES,
  SAMPLER_TYPES,
  type GridSearchSpace,
  type PrunerType,
  type SamplerType,
  type Study,
  type StudyDirection,
} from '@tuneforge/core';
import { openStorage } from '@tuneforge/storage';
import type { Command } from 'commander';
import { CliUsageError } from './cli-error';
import { loadObjectiveModule } from './load-objective';
import { jsonObject, nonNegativeInt, oneOf, positiveInt, positiveNumber } from './parse-options';
import { formatTrialLine, ProgressBar } from './trial-log';

interface OptimizeFlags {
  nTrials?: number;
  timeout?: number;
  direction: StudyDirection;
  sampler: SamplerType;
  samplerOptions?: Record<string, unknown>;
  grid?: Record<string, unknown>;
  pruner: PrunerType;
  prunerOptions?: Record<string, unknown>;
  seed?: number;
  studyName?: string;
  concurrency: number;
  storage: string;
  continueOnError?: boolean;
}

export function registerOptimizeCommand(program: Command): void {
  program
    .command('optimize')
    .description('run a study on an objective module that exports objective(trial)')
    .argument('<file>', 'a .ts or .js module exporting objective(trial)')
    .option('--n-trials <n>', 'trials to run in this call', positiveInt('--n-trials'))
    .option('--timeout <seconds>', 'start no trial after this many seconds', positiveNumber('--timeout'))
    .option(
      '--direction <direction>',
      'minimize or maximize',
      oneOf('--direction', ['minimize', 'maximize'] as const),
      'minimize',
    )
    .option(
      '--sampler <name>',
      `one of ${SAMPLER_TYPES.join(', ')}`,
      oneOf('--sampler', SAMPLER_TYPES),
      'tpe',
    )
    .option(
      '--sampler-options <json>',
      'sampler options as JSON (inline or a file)',
      jsonObject('--sampler-options'),
    )
    .option(
      '--grid <json>',
      "grid for --sampler grid, e.g. '{\"x\": [1, 2, 3]}' (or a module's `grid` export)",
      jsonObject('--grid'),
    )
    .option('--pruner <name>', `one of ${PRUNER_TYPES.join(', ')}`, oneOf('--pruner', PRUNER_TYPES), 'median')
    .option(
      '--pruner-options <json>',
      'pruner options as JSON (inline or a file)',
      jsonObject('--pruner-options'),
    )
    .option('--seed <n>', 'seed of the sampler (same seed, same trials)', nonNegativeInt('--seed'))
    .option('--study-name <name>', 'name of the study; an existing one is continued')
    .option('--concurrency <k>', 'objectives run at once', positiveInt('--concurrency'), 1)
    .option('--storage <url>', 'memory:, sqlite:<file> or postgres://user@host:port/db', 'memory:')
    .option('--continue-on-error', 'keep going when the objective throws (the trial ends FAIL)')
    .action(async (file: string, flags: OptimizeFlags) => {
      await runOptimize(file, flags);
    });
}

async function runOptimize(file: string, flags: OptimizeFlags): Promise<void> {
  if (flags.nTrials === undefined && flags.timeout === undefined) {
    throw new CliUsageError('Give --n-trials or --timeout (or both), so that the study knows when to stop.');
  }
  const mod = loadObjectiveModule(file);
  const sampler = createSampler({
    type: flags.sampler,
    seed: flags.seed,
    grid: (flags.grid as GridSearchSpace | undefined) ?? mod.grid,
    options: flags.samplerOptions,
  });
  const pruner = createPruner({ type: flags.pruner, options: flags.prunerOptions });
  const storage = await openStorage(flags.storage);
  try {
    const before = flags.studyName ? await countExisting(storage, flags.studyName) : 0;
    const study = await createStudy({
      studyName: flags.studyName,
      direction: flags.direction,
      sampler,
      pruner,
      storage,
      loadIfExists: true,
    });
    process.stdout.write(
      before > 0
        ? `Continuing study '${study.studyName}' (${before} trials so far) in ${storage.url}\n`
        : `Created study '${study.studyName}' in ${storage.url}\n`,
    );
    await optimizeWithLog(study, mod.objective, flags);
  } finally {
    await storage.close();
  }
}

async function countExisting(
  storage: Awaited<ReturnType<typeof openStorage>>,
  name: string,
): Promise<number> {
  const summary = (await storage.listStudies()).find((s) => s.studyName === name);
  return summary ? Object.values(summary.trialCounts).reduce((a, b) => a + b, 0) : 0;
}

async function optimizeWithLog(
  study: Study,
  objective: Parameters<Study['optimize']>[0],
  flags: OptimizeFlags,
) {
  const bar = process.stderr.isTTY ? new ProgressBar(process.stderr, flags.nTrials) : null;
  let done = 0;
  const onSignal = () => {
    process.stderr.write('\nInterrupted: finishing the running trials, then stopping.\n');
    study.stop();
  };
  process.once('SIGINT', onSignal);
  try {
    await study.optimize(objective, {
      nTrials: flags.nTrials,
      timeoutMs: flags.timeout !== undefined ? flags.timeout * 1000 : undefined,
      concurrency: flags.concurrency,
      catch: flags.continueOnError ? [Error] : [],
      callbacks: [
        (s, trial) => {
          done++;
          bar?.clear();
          process.stdout.write(formatTrialLine(s, trial) + '\n');
          bar?.render(done, s);
        },
      ],
    });
  } catch (e) {
    bar?.clear();
    const message = e instanceof Error ? e.message : String(e);
    throw new ObjectiveFailedError(
      `The objective failed: ${message} (pass --continue-on-error to keep going).`,
    );
  } finally {
    process.removeListener('SIGINT', onSignal);
    bar?.clear();
  }
  printBest(study);
}

/** The user's objective threw: exit 1 with its message, not a stack trace. */
export class ObjectiveFailedError extends Error {
  readonly exitCode = 1;
}

function printBest(study: Study): void {
  const complete = study.trials.filter((t) => t.state === 'COMPLETE');
  if (complete.length === 0) {
    process.stdout.write('No trial completed.\n');
    return;
  }
  if (study.directions.length > 1) {
    process.stdout.write(`Pareto front: trials ${study.bestTrials.map((t) => t.number).join(', ')}\n`);
    return;
  }
  const best = study.bestTrial;
  process.stdout.write(
    `Best trial: ${best.number}\n  value: ${best.values![0]}\n  params: ${JSON.stringify(best.params)}\n`,
  );
}
