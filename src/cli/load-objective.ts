import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GridSearchSpace, Objective } from '@tuneforge/core';
import { CliUsageError } from './cli-error';

/** What an objective module may export besides `objective`. */
export interface ObjectiveModule {
  objective: Objective;
  /** Grid points for `--sampler grid` when no `--grid` is given. */
  grid?: GridSearchSpace;
}

/** Loads a .ts/.js module that exports `objective(trial)` (or a default function). */
export function loadObjectiveModule(file: string): ObjectiveModule {
  const path = resolve(file);
  if (!existsSync(path)) throw new CliUsageError(`Objective module not found: ${file}`);
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(path);
  } catch (e) {
    const detail = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new CliUsageError(`Could not load ${file}: ${detail}`);
  }
  const objective = mod.objective ?? (typeof mod.default === 'function' ? mod.default : undefined);
  if (typeof objective !== 'function') {
    throw new CliUsageError(
      `${file} must export a function 'objective(trial)' (found: ${Object.keys(mod).join(', ') || 'nothing'}).`,
    );
  }
  return { objective: objective as Objective, grid: mod.grid as GridSearchSpace | undefined };
}
