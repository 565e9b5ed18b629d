import type { JsonObject } from '@tuneforge/core';
import { DEFINITION_ATTR, type StudyDefinition } from './study-definition';

/** A study's stored definition that the platform cannot read (written by hand, or by a broken release). */
export class InvalidStoredDefinitionError extends Error {
  constructor(
    readonly studyName: string,
    readonly field: string,
    reason: string,
  ) {
    super(`the stored definition of study '${studyName}' is unreadable: ${field} ${reason}`);
    this.name = 'InvalidStoredDefinitionError';
  }
}

const OBJECTIVE_KINDS = ['builtin', 'module', 'command', 'inline-command', 'client'];
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, min: number) => Number.isSafeInteger(v) && (v as number) >= min;

/**
 * The platform definition stored on a study (`platform:definition`), checked for the shape every role
 * relies on; null for a study that was not created through the platform (the CLI's and the library's).
 * What the API checked at creation (`checkStudyDefinition`) is not repeated: this guards the reads.
 * @throws InvalidStoredDefinitionError naming the first field that is not as written
 */
export function readStudyDefinition(
  studyName: string,
  systemAttrs: Readonly<JsonObject>,
): StudyDefinition | null {
  const raw = systemAttrs[DEFINITION_ATTR];
  if (raw === undefined) return null;
  const fail = (field: string, reason: string) => new InvalidStoredDefinitionError(studyName, field, reason);
  if (!isObject(raw)) throw fail(DEFINITION_ATTR, 'is not an object');
  if (typeof raw.name !== 'string') throw fail('name', 'is not a string');
  const directions = raw.directions;
  if (
    !Array.isArray(directions) ||
    directions.length === 0 ||
    directions.some((d) => d !== 'minimize' && d !== 'maximize')
  ) {
    throw fail('directions', 'is not a list of minimize/maximize');
  }
  if (raw.searchSpace !== null && !Array.isArray(raw.searchSpace))
    throw fail('searchSpace', 'is neither null nor a list');
  for (const part of ['sampler', 'pruner'] as const) {
    const spec = raw[part];
    if (!isObject(spec) || typeof spec.type !== 'string') throw fail(`${part}.type`, 'is not a string');
    if (spec.options !== undefined && !isObject(spec.options))
      throw fail(`${part}.options`, 'is not an object');
  }
  const objective = raw.objective;
  if (!isObject(objective) || !OBJECTIVE_KINDS.includes(objective.kind as string)) {
    throw fail('objective.kind', `is not one of ${OBJECTIVE_KINDS.join(', ')}`);
  }
  const argvOk = Array.isArray(objective.argv) && objective.argv.every((a) => typeof a === 'string');
  if (
    objective.kind !== 'client' &&
    (objective.kind === 'inline-command' ? !argvOk : typeof objective.name !== 'string')
  ) {
    throw fail(objective.kind === 'inline-command' ? 'objective.argv' : 'objective.name', 'is missing');
  }
  const budget = raw.budget;
  if (!isObject(budget)) throw fail('budget', 'is not an object');
  if (!isCount(budget.nTrials, 1)) throw fail('budget.nTrials', 'is not an integer >= 1');
  if (!isCount(budget.maxParallel, 1)) throw fail('budget.maxParallel', 'is not an integer >= 1');
  if (budget.timeoutSec !== null && !(typeof budget.timeoutSec === 'number' && budget.timeoutSec > 0)) {
    throw fail('budget.timeoutSec', 'is neither null nor a number > 0');
  }
  if (raw.seed !== null && raw.seed !== undefined && !isCount(raw.seed, 0))
    throw fail('seed', 'is not an integer >= 0');
  if (raw.retry !== undefined) {
    const retry = raw.retry;
    if (!isObject(retry) || !isCount(retry.maxRetries, 0) || !isCount(retry.retryFailedTrials, 0)) {
      throw fail('retry', 'is not { maxRetries, retryFailedTrials } of integers >= 0');
    }
  }
  return raw as unknown as StudyDefinition;
}
