import { TuneforgeError } from '@tuneforge/core';
import { Command, CommanderError } from 'commander';
import { CliUsageError } from './cli-error';
import { registerOptimizeCommand } from './optimize-command';
import { registerReportCommand } from './report-command';
import { registerServeCommand } from './serve-command';
import { registerStudyCommands } from './study-commands';

/** Builds the `tuneforge` program; errors are thrown, not printed, so `run` decides the exit. */
export function buildProgram(): Command {
  const program = new Command('tuneforge')
    .description('Hyper-parameter optimization: define-by-run studies, embedded or distributed.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  registerOptimizeCommand(program);
  registerStudyCommands(program);
  registerServeCommand(program);
  registerReportCommand(program);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeErr: () => undefined });
  return program;
}

/** Runs the CLI; every error becomes one line on stderr and an exit code (2 for usage errors). */
export async function run(argv: string[]): Promise<number> {
  // `tuneforge trials … | head`: a closed pipe ends the output, not the program with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  // An objective's error that escapes its run (a promise not awaited, a throwing timer) ends the
  // program as an error of the objective does: one line, not Node's stack trace.
  const escaped = (e: unknown) => {
    const message =
      e instanceof Error ? (process.env.TUNEFORGE_DEBUG ? (e.stack ?? e.message) : e.message) : String(e);
    process.stderr.write(
      `tuneforge: an error escaped the objective (a promise it did not await, or a timer): ${message}\n`,
    );
    process.exit(1);
  };
  process.on('unhandledRejection', escaped);
  process.on('uncaughtException', escaped);
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0)
        return 0;
      process.stderr.write(`${e.message.replace(/^error: /, 'tuneforge: ')}\n`);
      return 2;
    }
    if (e instanceof CliUsageError) {
      process.stderr.write(`tuneforge: ${e.message}\n`);
      return 2;
    }
    const exitCode = (e as { exitCode?: number }).exitCode;
    if (e instanceof TuneforgeError || typeof exitCode === 'number') {
      process.stderr.write(`tuneforge: ${(e as Error).message}\n`);
      return exitCode ?? 1;
    }
    // A bug of ours rather than a mistake of the caller: the stack only on request.
    const detail =
      e instanceof Error ? (process.env.TUNEFORGE_DEBUG ? (e.stack ?? e.message) : e.message) : String(e);
    process.stderr.write(`tuneforge: unexpected error: ${detail} (TUNEFORGE_DEBUG=1 shows the stack)\n`);
    return 1;
  }
}
