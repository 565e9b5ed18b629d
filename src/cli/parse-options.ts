import { readFileSync, existsSync } from 'node:fs';
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
    const text = !raw.trim().startsWith('{') && existsSync(raw) ? readFileSync(raw, 'utf8') : raw;
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
