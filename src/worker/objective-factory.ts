import { Injectable } from '@nestjs/common';
import { parseSearchSpace, type Objective } from '@tuneforge/core';
import type { StudyDefinition } from '@tuneforge/platform';
import {
  builtinObjective,
  commandObjective,
  getBuiltinProblem,
  moduleObjective,
  ObjectiveRegistry,
  type RegisteredObjective,
} from '@tuneforge/sandbox';

/** Turns a study's objective reference into the function a worker runs for each trial. */
export abstract class ObjectiveFactory {
  /** `signal` stops a run (its process tree) when the worker loses the trial's lease. */
  abstract create(definition: StudyDefinition, studyName: string, signal?: AbortSignal): Objective;
}

/**
 * Built-in problems run in the worker itself (our own pure functions: a child process would cost more
 * than the problem); registered and inline commands and modules run in the sandbox, never on the
 * worker's event loop.
 */
@Injectable()
export class SandboxObjectiveFactory extends ObjectiveFactory {
  constructor(private readonly registry: ObjectiveRegistry) {
    super();
  }

  create(definition: StudyDefinition, studyName: string, signal?: AbortSignal): Objective {
    const ref = definition.objective;
    const pruning = definition.pruner.type !== 'none';
    if (ref.kind === 'builtin') return builtinObjective(getBuiltinProblem(ref.name), { pruning });
    // The scheduler never enqueues a job for a client-only study (study-runtime.ts queuesTrials).
    if (ref.kind === 'client') throw new Error(`study '${studyName}' is client-only: clients run its trials`);
    const registered: RegisteredObjective =
      ref.kind === 'inline-command'
        ? this.registry.resolveInline({ kind: 'command', argv: ref.argv })
        : this.registry.get(ref.name);
    if (registered.kind === 'module') return moduleObjective(registered.spec, { studyName, signal });
    const space = definition.searchSpace ? parseSearchSpace(definition.searchSpace) : registered.space;
    if (!space) throw new Error(`command objective '${registered.name}' has no search space`);
    return commandObjective(registered.spec, { space, studyName, pruning, signal });
  }
}
