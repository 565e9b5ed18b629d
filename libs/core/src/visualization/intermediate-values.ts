import type { FrozenTrial } from '../trial/frozen-trial';
import type { TrialState } from '../trial/trial-state';

/** The learning curve of one trial. */
export interface LearningCurve {
  readonly number: number;
  readonly state: TrialState;
  /** Whether the pruner stopped this trial (drawn differently: its curve ends early on purpose). */
  readonly pruned: boolean;
  /** Steps in increasing order, with the finite value reported at each. */
  readonly steps: readonly number[];
  readonly values: readonly number[];
}

export interface IntermediateValuesData {
  readonly kind: 'intermediate-values';
  /** Trials that reported at least one finite intermediate value, in number order. */
  readonly curves: readonly LearningCurve[];
}

/**
 * Intermediate values (Optuna's `plot_intermediate_values`): each trial's reported values by step,
 * running trials included so a live view shows curves as they grow, and pruned ones marked.
 */
export function intermediateValues(trials: readonly FrozenTrial[]): IntermediateValuesData {
  const curves: LearningCurve[] = [];
  for (const trial of [...trials].sort((a, b) => a.number - b.number)) {
    const entries = Object.entries(trial.intermediateValues)
      .map(([step, value]) => [Number(step), value] as const)
      .filter(([, value]) => Number.isFinite(value))
      .sort((a, b) => a[0] - b[0]);
    if (entries.length === 0) continue;
    curves.push({
      number: trial.number,
      state: trial.state,
      pruned: trial.state === 'PRUNED',
      steps: entries.map(([s]) => s),
      values: entries.map(([, v]) => v),
    });
  }
  return { kind: 'intermediate-values', curves };
}
