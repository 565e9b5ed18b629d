import {
  categoricalDistribution,
  contains,
  describe as describeDistribution,
  floatDistribution,
  intDistribution,
  parseSearchSpace,
  toInternal,
  type Distribution,
  type ParamValue,
} from '@tuneforge/core';
import type { StudyDefinition } from '@tuneforge/platform';
import { getBuiltinProblem, type ObjectiveRegistry } from '@tuneforge/sandbox';
import type { FieldError } from '../common/validation';

/** A study's parameters by name, in suggestion order. */
export type KnownSpace = ReadonlyMap<string, Distribution>;

/**
 * The study's parameters when they are known before the objective runs, found as the scheduler finds
 * them (src/scheduler/study-runtime.ts `planFor`): a built-in problem's own, else the definition's
 * declarative `searchSpace`, else the space of the registered command. null for module objectives,
 * which define their parameters as they run.
 */
export function knownSpaceOf(definition: StudyDefinition, registry: ObjectiveRegistry): KnownSpace | null {
  const ref = definition.objective;
  if (ref.kind === 'builtin') {
    return new Map<string, Distribution>(
      getBuiltinProblem(ref.name).params.map((p): [string, Distribution] => {
        const log = { log: p.log ?? false };
        if (p.type === 'categorical') return [p.name, categoricalDistribution(p.choices ?? [])];
        if (p.type === 'int') return [p.name, intDistribution(p.low!, p.high!, log)];
        return [p.name, floatDistribution(p.low!, p.high!, log)];
      }),
    );
  }
  if (ref.kind === 'module') return null;
  const space = definition.searchSpace
    ? parseSearchSpace(definition.searchSpace)
    : ref.kind === 'command' && registry.has(ref.name)
      ? registry.get(ref.name).space
      : null;
  return space ? new Map(space.parameters.map((p) => [p.name, p.distribution])) : null;
}

/**
 * What is wrong with the fixed parameters of an enqueued trial, one entry per bad parameter (field
 * `params.<name>`); empty when they are fine. With a known space each value must belong to its
 * parameter's distribution (type, range, step grid, integrality, choices) and unknown names are refused;
 * missing names are fine (the sampler fills them in). Without one (module objectives) any JSON scalar
 * goes: the objective decides when it asks for the parameter.
 */
export function checkEnqueuedParams(
  params: Readonly<Record<string, unknown>>,
  space: KnownSpace | null,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(params)) {
    const problem = paramProblem(name, value, space);
    if (problem) errors.push({ field: `params.${name}`, messages: [problem] });
  }
  return errors;
}

/**
 * What is wrong with a grid sampler's grid (`sampler.grid`) for the study's known space, one entry per
 * problem: every value a scalar of its parameter's distribution (field `sampler.grid.<name>.<i>`), no name
 * outside the space, no parameter of the space left out (the grid must cover the space: a missing one
 * would be sampled at random, and the grid would no longer be a grid). Without a known space, only the
 * values' types are checked.
 */
export function checkGrid(grid: Readonly<Record<string, unknown>>, space: KnownSpace | null): FieldError[] {
  const errors: FieldError[] = [];
  for (const [name, values] of Object.entries(grid)) {
    if (space !== null && !space.has(name)) {
      const known = [...space.keys()].join(', ');
      errors.push({
        field: `sampler.grid.${name}`,
        messages: [`'${name}' is not a parameter of the study's search space; its parameters: ${known}`],
      });
      continue;
    }
    if (!Array.isArray(values) || values.length === 0) {
      errors.push({ field: `sampler.grid.${name}`, messages: ['must be a non-empty array of values'] });
      continue;
    }
    values.forEach((value: unknown, i) => {
      const problem = paramProblem(name, value, space);
      if (problem) errors.push({ field: `sampler.grid.${name}.${i}`, messages: [problem] });
    });
  }
  for (const name of space?.keys() ?? []) {
    if (!(name in grid)) {
      errors.push({
        field: `sampler.grid.${name}`,
        messages: [`the grid has no values for '${name}', a parameter of the study's search space`],
      });
    }
  }
  return errors;
}

function paramProblem(name: string, value: unknown, space: KnownSpace | null): string | null {
  if (!isScalar(value)) {
    return `must be a string, a number, a boolean or null, got ${JSON.stringify(value)}`;
  }
  if (space === null) return null;
  const d = space.get(name);
  if (!d) {
    return `'${name}' is not a parameter of the study's search space; its parameters: ${[...space.keys()].join(', ')}`;
  }
  const shown = JSON.stringify(value);
  if (d.type === 'categorical') {
    return d.choices.includes(value) ? null : `must be one of ${JSON.stringify(d.choices)}, got ${shown}`;
  }
  if (typeof value !== 'number') return `must be a number in ${describeDistribution(d)}, got ${shown}`;
  if (d.type === 'int' && !Number.isInteger(value)) {
    return `must be an integer in ${describeDistribution(d)}, got ${shown}`;
  }
  if (value < d.low || value > d.high) return `${shown} is outside ${describeDistribution(d)}`;
  if (!contains(d, toInternal(d, value as ParamValue))) {
    return `${shown} is not on the step grid of ${describeDistribution(d)} (low + k * step)`;
  }
  return null;
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}
