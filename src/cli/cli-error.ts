/** A mistake in how the CLI was called (bad flag, bad module): one line on stderr, exit code 2. */
export class CliUsageError extends Error {
  readonly exitCode = 2;
}
