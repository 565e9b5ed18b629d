import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliUsageError } from './cli-error';

/** Commander argument parsers that turn a bad value into one clear line (exit 2). */
export function positiveInt(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new CliUsageError(`${flag} must be a positive integer, got '${raw}'.`);
    }
    return n;
  };
}

export function nonNegativeInt(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) {
      throw new CliUsageError(`${flag} must be an integer >= 0, got '${raw}'.`);
    }
    return n;
  };
}

export function positiveNumber(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new CliUsageError(`${flag} must be a number > 0, got '${raw}'.`);
    }
    return n;
  };
}

/** Numbers separated by commas (`1,2.5,-3`), each a finite decimal. */
export function numberList(flag: string) {
  return (raw: string): number[] => {
    const parts = raw.split(',').map((p) => p.trim());
    const bad = parts.find(
      (p) => !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(p) || !Number.isFinite(Number(p)),
    );
    if (bad !== undefined) {
      throw new CliUsageError(`${flag} must be numbers separated by commas (e.g. 1,2.5), got '${raw}'.`);
    }
    return parts.map(Number);
  };
}

/** Study directions separated by commas (`minimize,maximize`), at least two: one per objective. */
export function directionList(flag: string) {
  return (raw: string): Array<'minimize' | 'maximize'> => {
    const parts = raw.split(',').map((p) => p.trim());
    if (parts.length < 2 || parts.some((p) => p !== 'minimize' && p !== 'maximize')) {
      throw new CliUsageError(
        `${flag} must be two or more of minimize, maximize separated by commas (one per objective), got '${raw}'.`,
      );
    }
    return parts as Array<'minimize' | 'maximize'>;
  };
}

export function oneOf<T extends string>(flag: string, allowed: readonly T[]) {
  return (raw: string): T => {
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new CliUsageError(`${flag} must be one of ${allowed.join(', ')}, got '${raw}'.`);
    }
    return raw as T;
  };
}

/** A JSON object given inline or as the path of a .json file. */
export function jsonObject(flag: string) {
  return (raw: string): Record<string, unknown> => {
    const inline = raw.trim().startsWith('{');
    if (!inline && !existsSync(raw)) {
      throw new CliUsageError(`${flag} must be a JSON object or a .json file; there is no file ${raw}`);
    }
    const text = inline ? raw : readFileSync(raw, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new CliUsageError(`${flag} must be a JSON object or a .json file: ${(e as Error).message}`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new CliUsageError(`${flag} must be a JSON object, got ${text.slice(0, 60)}`);
    }
    return value as Record<string, unknown>;
  };
}

/**
 * A file the command will write (`--report`, `--out`): its folder must exist, because the CLI creates
 * no folder it was not asked to; checked when the flag is read, so a refused command writes nothing.
 */
export function fileInExistingFolder(flag: string) {
  return (raw: string): string => {
    const target = resolve(raw);
    if (isFolder(target)) {
      throw new CliUsageError(
        `${flag}: ${target} is a folder: give a file name, e.g. ${join(raw, 'report.html')}.`,
      );
    }
    const problem = folderProblem(flag, dirname(target));
    if (problem) throw new CliUsageError(problem);
    return raw;
  };
}

/** Whether `path` names an existing folder. */
export function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Why `folder` cannot hold a new file of `flag` (one line), or null when it can. */
export function folderProblem(flag: string, folder: string): string | null {
  if (!existsSync(folder))
    return `${flag}: the folder ${folder} does not exist: create it, or choose another path.`;
  if (!statSync(folder).isDirectory())
    return `${flag}: ${folder} is a file, not a folder: choose another path.`;
  return null;
}
