import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GridSearchSpace, Objective } from '@tuneforge/core';
import { withReturnedConstraints } from '@tuneforge/sandbox';
import { CliUsageError } from './cli-error';

/** What an objective module may export besides `objective`. */
export interface ObjectiveModule {
  objective: Objective;
  /** Grid points for `--sampler grid` when no `--grid` is given. */
  grid?: GridSearchSpace;
}

let tsxRegistered = false;

/**
 * Objective modules load through tsx (TypeScript, ES modules, .mts), as in the sandbox's children; the
 * CLI's own sources run on swc (bin/swc-register.js), so tsx is registered on the first module only.
 */
function registerTsx(): void {
  if (tsxRegistered) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('tsx/cjs/api') as { register: () => unknown }).register();
  tsxRegistered = true;
}

/** Loads a .ts/.js module that exports `objective(trial)` (or a default function). */
export function loadObjectiveModule(file: string): ObjectiveModule {
  const path = resolve(file);
  if (!existsSync(path)) throw new CliUsageError(`Objective module not found: ${file}`);
  let mod: Record<string, unknown>;
  try {
    registerTsx();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(path);
  } catch (e) {
    throw new CliUsageError(`Could not load ${file}: ${loadErrorDetail(e)}`);
  }
  const objective = mod.objective ?? (typeof mod.default === 'function' ? mod.default : undefined);
  if (typeof objective !== 'function') {
    throw new CliUsageError(
      `${file} must export a function 'objective(trial)' (found: ${Object.keys(mod).join(', ') || 'nothing'}).`,
    );
  }
  // `{ values, constraints }` works in this process as with --sandbox.
  return {
    objective: withReturnedConstraints(objective as Objective),
    grid: mod.grid as GridSearchSpace | undefined,
  };
}

/**
 * What went wrong loading a module, on one line, with the place of a syntax error: esbuild (which
 * compiles .ts) puts `file:line:col: ERROR: message` lines under a "Transform failed" header, Node
 * (plain .js) puts `file:line` and a caret under the source line at the top of the stack.
 */
export function loadErrorDetail(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const lines = e.message.split('\n');
  if (/^Transform failed with \d+ errors?:/.test(lines[0])) {
    const errors = lines
      .map((l) => /^(.+:\d+:\d+): ERROR: (.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]}: ${m[2]}`);
    if (errors.length > 0) return `syntax error at ${errors.join('; ')}`;
  }
  if (e instanceof SyntaxError && e.stack) {
    // ["/path/file.js:2", "  source line", "       ^", "", "SyntaxError: …"]
    const [where, , caret] = e.stack.split('\n');
    const column = caret?.indexOf('^') ?? -1;
    if (/:\d+$/.test(where ?? '')) {
      return `syntax error at ${where}${column >= 0 ? `:${column + 1}` : ''}: ${e.message}`;
    }
  }
  return lines[0];
}
