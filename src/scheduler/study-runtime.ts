import {
  parseSearchSpace,
  suggestFromSpace,
  type PlanningTrial,
  type Sampler,
  type StudyView,
} from '@tuneforge/core';
import { isClientOnly, type StudyDefinition } from '@tuneforge/platform';
import { getBuiltinProblem, suggestProblemParams, type ObjectiveRegistry } from '@tuneforge/sandbox';

/**
 * Whether the scheduler creates trials for the study and puts jobs for its WAITING trials on the queue:
 * not for a client-only study (no objective on the platform), whose trials clients ask for and tell
 * over REST; the scheduler only ends it (budget spent and nothing in flight, timeout).
 */
export function queuesTrials(definition: StudyDefinition): boolean {
  return !isClientOnly(definition);
}

/**
 * How many more evaluated trials close the generation now open (trials in flight not counted), when the
 * sampler has generations (CMA-ES, NSGA-II, NSGA-III) and knows its space; null otherwise.
 */
export function generationSize(sampler: Sampler, study: StudyView): number | null {
  const withGenerations = sampler as Sampler & { generationSize?(view: StudyView): number | null };
  return typeof withGenerations.generationSize === 'function' ? withGenerations.generationSize(study) : null;
}

/**
 * How the scheduler samples every parameter of a new trial up front when the space is known before the
 * objective runs (built-in problems, declarative spaces, registered commands with a space), so that the
 * constant liar sees whole pending trials. Module objectives define their space as they run: their
 * parameters are sampled by the worker (undefined here).
 */
export function planFor(
  definition: StudyDefinition,
  registry: ObjectiveRegistry,
): ((trial: PlanningTrial) => void) | undefined {
  const ref = definition.objective;
  if (ref.kind === 'builtin') {
    const problem = getBuiltinProblem(ref.name);
    return (trial) => void suggestProblemParams(trial, problem);
  }
  if (ref.kind === 'module') return undefined;
  const json = definition.searchSpace;
  const space = json ? parseSearchSpace(json) : ref.kind === 'command' ? registry.get(ref.name).space : null;
  return space ? (trial) => void suggestFromSpace(trial, space) : undefined;
}
