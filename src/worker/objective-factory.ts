import { Injectable } from '@nestjs/common';
import type { Objective } from '@tuneforge/core';
import { builtinObjective, getBuiltinProblem } from '@tuneforge/sandbox';
import type { StudyDefinition } from '@tuneforge/queue';

/** Turns a study's objective reference into the function a worker runs for each trial. */
export abstract class ObjectiveFactory {
  abstract create(definition: StudyDefinition, studyName: string): Objective;
}

@Injectable()
export class SandboxObjectiveFactory extends ObjectiveFactory {
  create(definition: StudyDefinition): Objective {
    const ref = definition.objective;
    switch (ref.kind) {
      case 'builtin':
        // Our own pure functions: run in the worker itself (a child process would cost more than the problem).
        return builtinObjective(getBuiltinProblem(ref.name), { pruning: definition.pruner.type !== 'none' });
      default:
        throw new Error(`objective kind '${ref.kind}' is wired with the sandbox runners`);
    }
  }
}
