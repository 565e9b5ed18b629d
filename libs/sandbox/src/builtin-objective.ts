/**
 * Turns a built-in benchmark problem into an objective for `study.optimize`, following the suite's
 * protocol: suggest the active params in list order; for a pruning problem report loss(t) at every
 * step t = 1..maxSteps and stop as soon as the pruner says so.
 */
import { TrialPruned, type Objective } from '@tuneforge/core';
import { suggestProblemParams, type BuiltinProblem } from './builtin-problems';

export interface BuiltinObjectiveOptions {
  /**
   * Ask `trial.shouldPrune()` after each reported step of a pruning problem. When false, every trial
   * runs its whole curve (the "no pruner" rows of the suite). Ignored by problems without a curve.
   * @defaultValue true
   */
  pruning?: boolean;
}

/** User attribute holding the last step a pruning-problem trial reported (the suite's "steps consumed"). */
export const STEPS_USER_ATTR = 'steps';

/** An objective that evaluates `problem` on the parameters the study's sampler proposes. */
export function builtinObjective(problem: BuiltinProblem, options: BuiltinObjectiveOptions = {}): Objective {
  const pruning = options.pruning ?? true;
  const curve = problem.curve?.bind(problem);
  const maxSteps = problem.maxSteps;
  if (!curve || maxSteps === undefined) {
    return (trial) => problem.evaluate(suggestProblemParams(trial, problem));
  }
  return async (trial) => {
    const params = suggestProblemParams(trial, problem);
    let loss = Number.NaN;
    for (let step = 1; step <= maxSteps; step++) {
      loss = curve(params, step);
      await trial.report(loss, step);
      // A trial that reached the last step completes (the protocol): it is not judged there.
      if (pruning && step < maxSteps && trial.shouldPrune()) {
        await trial.setUserAttr(STEPS_USER_ATTR, step);
        throw new TrialPruned(`Pruned at step ${step} of ${maxSteps}.`);
      }
    }
    await trial.setUserAttr(STEPS_USER_ATTR, maxSteps);
    // loss(maxSteps) is the problem's objective value, the same number as problem.evaluate(params).
    return loss;
  };
}
