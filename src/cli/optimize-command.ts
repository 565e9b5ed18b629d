import {
  createPruner,
  createSampler,
  createStudy,
  DirectionsMismatchError,
  InvalidArgumentError,
  isFeasible,
  paretoSummary,
  type FrozenTrial,
  PRUNER_TYPES,
  SAMPLER_TYPES,
  UnknownOptionError,
  parseSearchSpace,
  type GridSearchSpace,
  type Objective,
  type PrunerType,
  type SamplerType,
  type Study,
  type StudyDirection,
} from '@tuneforge/core';
import {
  BUILTIN_PROBLEMS,
  builtinObjective,
  commandObjective,
  getBuiltinProblem,
  moduleObjective,
  ObjectiveFailedError,
  parseCommandLine,
} from '@tuneforge/sandbox';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliUsageError } from './cli-error';
import { describeStorage, openCliStorage } from './cli-storage';
import { loadObjectiveModule, type ObjectiveModule } from './load-objective';
import {
  directionList,
  fileInExistingFolder,
  jsonObject,
  nonNegativeInt,
  oneOf,
  positiveInt,
  positiveNumber,
} from './parse-options';
import { writeStudyReport } from './report';
import { formatTrialLine, ProgressBar } from './trial-log';

interface OptimizeFlags {
  command?: string;
  space?: Record<string, unknown> | unknown[];
  builtin?: string;
  sandbox?: boolean;
  heapMb?: number;
  nTrials?: number;
  timeout?: number;
  /** Unset: a new study minimizes, a continued one keeps its stored direction. */
  direction?: StudyDirection;
  /** Several objectives, one direction each (a new study; a continued one must have the same). */
  directions?: StudyDirection[];
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
  report?: string;
}

export function registerOptimizeCommand(program: Command): void {
  program
    .command('optimize')
    .description(
      'run a study on an objective: a module exporting objective(trial), a command, or a built-in problem',
    )
    .argument('[file]', 'a .ts or .js module exporting objective(trial)')
    .option('--command <command line>', 'run this program for each trial (no shell; line protocol on stdout)')
    .option(
      '--space <file.json>',
      'search space of --command: [{ name, type, low, high, log, step, choices, when }]',
      jsonSpace,
    )
    .option(
      '--builtin <problem>',
      `a built-in benchmark problem (${Object.keys(BUILTIN_PROBLEMS).join(', ')})`,
    )
    .option(
      '--sandbox',
      'run the module in a child process (a crash or --heap-mb fails the trial, not the study)',
    )
    .option(
      '--heap-mb <n>',
      "with --sandbox: the objective process's heap cap, in MB (default: Node's own)",
      positiveInt('--heap-mb'),
    )
    .option('--n-trials <n>', 'trials to run in this call', positiveInt('--n-trials'))
    .option('--timeout <seconds>', 'start no trial after this many seconds', positiveNumber('--timeout'))
    .option(
      '--direction <direction>',
      'minimize or maximize (default: minimize for a new study; a continued study keeps its own)',
      oneOf('--direction', ['minimize', 'maximize'] as const),
    )
    .option(
      '--directions <list>',
      'several objectives: one direction each, comma-separated (e.g. minimize,maximize); the objective returns one value each',
      directionList('--directions'),
    )
    .option(
      '--sampler <name>',
      `one of ${SAMPLER_TYPES.join(', ')}`,
      oneOf('--sampler', SAMPLER_TYPES),
      // The library's and the platform's default too (createSampler builds it in every role).
      'auto',
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
    .option(
      '--report <file.html>',
      'write a self-contained HTML report of the study at the end (in an existing folder)',
      fileInExistingFolder('--report'),
    )
    .action(async (file: string | undefined, flags: OptimizeFlags) => {
      await runOptimize(file, flags);
    });
}

/** The objective the flags name: exactly one of a module file, --command, --builtin. */
function resolveObjective(
  file: string | undefined,
  flags: OptimizeFlags,
  studyName: () => string,
): ObjectiveModule {
  const given = [
    file !== undefined && 'a module file',
    flags.command !== undefined && '--command',
    flags.builtin !== undefined && '--builtin',
  ].filter(Boolean);
  if (given.length !== 1) {
    throw new CliUsageError(
      given.length === 0
        ? 'Name an objective: a module file, --command "<program> <args>" with --space, or --builtin <problem>.'
        : `Give one objective, not ${given.join(' and ')}.`,
    );
  }
  if (flags.space !== undefined && flags.command === undefined) {
    throw new CliUsageError(
      `--space is the search space of --command; ${flags.builtin !== undefined ? '--builtin' : 'a module file'} defines its own: leave --space out.`,
    );
  }
  if (flags.heapMb !== undefined && !(flags.sandbox && file !== undefined)) {
    throw new CliUsageError(
      '--heap-mb caps the process of a module run with --sandbox: add --sandbox, or leave it out.',
    );
  }
  const pruning = flags.pruner !== 'none';
  if (flags.builtin !== undefined) {
    if (!(flags.builtin in BUILTIN_PROBLEMS)) {
      throw new CliUsageError(
        `--builtin must be one of ${Object.keys(BUILTIN_PROBLEMS).join(', ')}, got '${flags.builtin}'.`,
      );
    }
    if (flags.directions !== undefined && flags.directions.length > 1) {
      throw new CliUsageError(
        `--builtin ${flags.builtin} returns one value: give --direction, not --directions ${flags.directions.join(',')}.`,
      );
    }
    return { objective: builtinObjective(getBuiltinProblem(flags.builtin), { pruning }) };
  }
  if (flags.command !== undefined) {
    if (!flags.space)
      throw new CliUsageError('--command needs --space <file.json>: the parameters to give the program.');
    let space;
    try {
      space = parseSearchSpace(flags.space);
    } catch (e) {
      // The file's fields are the caller's to fix, as a flag is: one line, exit 2.
      if (e instanceof InvalidArgumentError)
        throw new CliUsageError(`--space: ${e.message.replace(/^search space: /, '')}`);
      throw e;
    }
    const argv = parseCommandLine(flags.command);
    checkScriptExists(argv);
    let objective: Objective | null = null;
    // The study name is known once the study exists: build the runner on first use.
    return {
      objective: (trial) =>
        (objective ??= commandObjective({ argv }, { space, studyName: studyName(), pruning }))(trial),
    };
  }
  if (flags.sandbox) {
    const mod = loadObjectiveModule(file!);
    let objective: Objective | null = null;
    return {
      grid: mod.grid,
      objective: async (trial) => {
        objective ??= moduleObjective(
          {
            path: resolve(file!),
            ...(flags.heapMb !== undefined ? { limits: { heapMb: flags.heapMb } } : {}),
          },
          { studyName: studyName() },
        );
        try {
          return await objective(trial);
        } catch (e) {
          // A module that throws stops the study as it does in this process (one rule with or without
          // --sandbox); what only the sandbox catches, a crash or a limit, stays a FAIL trial.
          if (e instanceof ObjectiveFailedError && e.kind === 'objective')
            throw new ModuleThrewError(e.message);
          throw e;
        }
      },
    };
  }
  return loadObjectiveModule(file!);
}

/** Programs whose first argument, unless it is an option, is the script they run. */
const INTERPRETER = /^(python[\d.]*|node|tsx|sh|bash|zsh|Rscript|ruby|perl|julia)$/;

/**
 * A mistyped script (`--command "python3 trian.py"`) was reported by every trial, with the path of the trial's
 * temporary folder (each runs in a fresh one): an interpreter's script is looked up here, before any trial.
 */
function checkScriptExists(argv: readonly string[]): void {
  const [program, script] = argv;
  if (!program || !script || script.startsWith('-') || !INTERPRETER.test(basename(program))) return;
  if (!existsSync(resolve(script))) {
    throw new CliUsageError(
      `--command: ${script} does not exist in ${process.cwd()} (scripts are found from the folder tuneforge runs in).`,
    );
  }
}

/**
 * Builds a sampler or pruner from the flags: the factories' input errors (which name the component
 * and the option) are the caller's mistake, so one line and exit 2; an unknown option names its flag.
 */
function fromFlags<T>(optionsFlag: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof UnknownOptionError) throw new CliUsageError(`${optionsFlag}: ${e.message}`);
    if (e instanceof InvalidArgumentError) throw new CliUsageError(e.message);
    throw e;
  }
}

async function runOptimize(file: string | undefined, flags: OptimizeFlags): Promise<void> {
  if (flags.nTrials === undefined && flags.timeout === undefined) {
    throw new CliUsageError('Give --n-trials or --timeout (or both), so that the study knows when to stop.');
  }
  if (flags.seed !== undefined && flags.samplerOptions !== undefined && 'seed' in flags.samplerOptions) {
    throw new CliUsageError('Give the seed once: --seed, or "seed" in --sampler-options.');
  }
  if (flags.grid !== undefined && flags.sampler !== 'grid') {
    throw new CliUsageError(`--grid is the grid of --sampler grid; --sampler ${flags.sampler} takes none.`);
  }
  let name = flags.studyName ?? '';
  const mod = resolveObjective(file, flags, () => name);
  const sampler = fromFlags('--sampler-options', () =>
    createSampler({
      type: flags.sampler,
      seed: flags.seed,
      grid: (flags.grid as GridSearchSpace | undefined) ?? mod.grid,
      options: flags.samplerOptions,
    }),
  );
  const pruner = fromFlags('--pruner-options', () =>
    createPruner({ type: flags.pruner, options: flags.prunerOptions }),
  );
  const storage = await openCliStorage(flags.storage, 'create');
  try {
    const before = flags.studyName ? await countExisting(storage, flags.studyName) : 0;
    const study = await openOrCreateStudy(flags, sampler, pruner, storage);
    name = study.studyName;
    process.stdout.write(
      before > 0
        ? `Continuing study '${study.studyName}' (${before} trials so far) ${describeStorage(storage)}.\n`
        : `Created study '${study.studyName}' ${describeStorage(storage)}.\n`,
    );
    const finished = await optimizeWithLog(study, mod.objective, flags);
    if (flags.report) {
      const written = await writeStudyReport(study, flags.report);
      process.stdout.write(`Report: ${written.path}\n`);
    }
    if (!finished.some((t) => t.state === 'COMPLETE')) throw new NoTrialCompletedError(finished);
  } finally {
    await storage.close();
  }
}

/**
 * Creates the study or continues the one of that name. A continued study keeps its directions; only a
 * --direction or --directions that contradicts them is an error.
 */
async function openOrCreateStudy(
  flags: OptimizeFlags,
  sampler: ReturnType<typeof createSampler>,
  pruner: ReturnType<typeof createPruner>,
  storage: Awaited<ReturnType<typeof openCliStorage>>,
): Promise<Study> {
  if (flags.direction !== undefined && flags.directions !== undefined)
    throw new CliUsageError('Give --direction (one objective) or --directions (several), not both.');
  try {
    return await createStudy({
      studyName: flags.studyName,
      direction: flags.direction,
      directions: flags.directions,
      sampler,
      pruner,
      storage,
      loadIfExists: true,
    });
  } catch (e) {
    if (e instanceof DirectionsMismatchError && flags.direction !== undefined) {
      throw new CliUsageError(
        `--direction ${flags.direction}: ${e.message} Leave --direction out to continue it.`,
      );
    }
    if (e instanceof DirectionsMismatchError && flags.directions !== undefined) {
      throw new CliUsageError(
        `--directions ${flags.directions.join(',')}: ${e.message} Leave --directions out to continue it.`,
      );
    }
    // E.g. a sampler that cannot serve the study's directions (checked before anything is stored).
    if (e instanceof InvalidArgumentError) throw new CliUsageError(e.message);
    throw e;
  }
}

async function countExisting(
  storage: Awaited<ReturnType<typeof openCliStorage>>,
  name: string,
): Promise<number> {
  const summary = (await storage.listStudies()).find((s) => s.studyName === name);
  return summary ? Object.values(summary.trialCounts).reduce((a, b) => a + b, 0) : 0;
}

/** Runs the study with one log line per finished trial; returns the trials this call finished. */
async function optimizeWithLog(
  study: Study,
  objective: Parameters<Study['optimize']>[0],
  flags: OptimizeFlags,
): Promise<FrozenTrial[]> {
  const bar = process.stderr.isTTY ? new ProgressBar(process.stderr, flags.nTrials) : null;
  let done = 0;
  const finished: FrozenTrial[] = [];
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
      // A sandboxed run that fails (exit code, limit, bad output) is a FAIL trial, not a broken study.
      catch: flags.continueOnError ? [Error] : [ObjectiveFailedError],
      callbacks: [
        (s, trial) => {
          done++;
          finished.push(trial);
          bar?.clear();
          process.stdout.write(formatTrialLine(s, trial) + '\n');
          bar?.render(done, s);
        },
      ],
    });
  } catch (e) {
    bar?.clear();
    const message = e instanceof Error ? e.message : String(e);
    throw new ObjectiveThrewError(
      `The objective failed: ${message} (pass --continue-on-error to keep going).`,
    );
  } finally {
    process.removeListener('SIGINT', onSignal);
    bar?.clear();
  }
  printBest(study);
  return finished;
}

/** The user's objective threw: exit 1 with its message, not a stack trace. */
export class ObjectiveThrewError extends Error {
  readonly exitCode = 1;
}

/** A sandboxed module threw (rather than crashed): not a caught failure unless --continue-on-error. */
class ModuleThrewError extends Error {}

/**
 * No trial of this call completed (all failed or were pruned): the study did not work, so exit 1,
 * whichever way the objective runs.
 */
export class NoTrialCompletedError extends Error {
  readonly exitCode = 1;

  constructor(finished: readonly FrozenTrial[]) {
    const failed = finished.filter((t) => t.state === 'FAIL');
    const pruned = finished.length - failed.length;
    const what =
      finished.length === 0
        ? 'none finished'
        : pruned === 0
          ? `${failed.length === 1 ? 'the only trial' : `all ${failed.length} trials`} failed`
          : failed.length === 0
            ? `${pruned === 1 ? 'the only trial was' : `all ${pruned} trials were`} pruned`
            : `${failed.length} failed and ${pruned} were pruned`;
    const lastReason = failed.at(-1)?.systemAttrs.fail_reason;
    // Sandbox reasons may carry a stderr tail: one line, and short.
    const reason =
      lastReason === undefined
        ? ''
        : ` (last error: ${String(lastReason).replace(/\s+/g, ' ').slice(0, 300)})`;
    super(`No trial completed: ${what}${reason}.`);
  }
}

function printBest(study: Study): void {
  // Without a completed trial there is no best one; the caller reports the failure.
  if (!study.trials.some((t) => t.state === 'COMPLETE')) return;
  if (study.directions.length > 1) {
    // The feasible front, as `best-trials` prints it: an infeasible trial is on no front.
    const { front, infeasible } = paretoSummary(study.trials, study.directions);
    process.stdout.write(
      front.length > 0
        ? `Pareto front: trials ${front.map((t) => t.number).join(', ')}\n`
        : `Pareto front: empty, all ${infeasible} COMPLETE trials violate the constraints\n`,
    );
    return;
  }
  const best = study.bestTrial;
  process.stdout.write(
    `Best trial: ${best.number}${isFeasible(best) ? '' : ' (infeasible: no COMPLETE trial satisfies the constraints)'}\n  value: ${best.values![0]}\n  params: ${JSON.stringify(best.params)}\n`,
  );
}

/** --space: a JSON file (or inline JSON) holding a search space, parsed later with its field errors. */
function jsonSpace(raw: string): Record<string, unknown> | unknown[] {
  let text = raw;
  if (!/^\s*[[{]/.test(raw)) {
    try {
      text = readFileSync(raw, 'utf8');
    } catch {
      throw new CliUsageError(`--space: cannot read ${raw}`);
    }
  }
  try {
    return JSON.parse(text) as Record<string, unknown> | unknown[];
  } catch (e) {
    throw new CliUsageError(`--space must be JSON: ${(e as Error).message}`);
  }
}
