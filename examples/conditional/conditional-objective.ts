/**
 * A module objective with a define-by-run conditional search space: which parameters exist depends on the
 * model chosen, and an MLP has one `units_l<i>` per layer. The loss is a synthetic learning curve (no data
 * needed) reported step by step, so that a pruner can stop weak trials early.
 *
 *   npx tuneforge optimize examples/conditional/conditional-objective.ts --n-trials 50 --seed 7
 *
 * It runs in the CLI's process; with `--sandbox` each trial runs in a child process instead, where
 * `trial.suggest*`, `report`, `shouldPrune` and `setUserAttr` travel to the study over IPC, and the same
 * seed gives the same trials either way. On the platform it is the `conditional` entry of
 * examples/objectives (a worker runs it in its sandbox).
 */
import { TrialPruned, type Trial } from '@tuneforge/core';

/** Steps of the learning curve. */
export const MAX_STEPS = 20;

/** The loss a configuration converges to, and how fast it gets there. */
function shape(trial: Trial): { floor: number; speed: number } {
  const model = trial.suggestCategorical('model', ['linear', 'tree', 'mlp']);
  if (model === 'linear') {
    const c = trial.suggestFloat('c', 1e-4, 1e2, { log: true });
    const penalty = trial.suggestCategorical('penalty', ['l1', 'l2']);
    // Best near c = 1; l1 costs a little on this pretend data set.
    return { floor: 0.3 + 0.04 * Math.log10(c) ** 2 + (penalty === 'l1' ? 0.02 : 0), speed: 0.6 };
  }
  if (model === 'tree') {
    const depth = trial.suggestInt('max_depth', 2, 16);
    const leaf = trial.suggestInt('min_samples_leaf', 1, 64, { log: true });
    // Too shallow underfits, too deep with tiny leaves overfits.
    return { floor: 0.2 + 0.01 * (depth - 8) ** 2 + 0.05 * Math.abs(Math.log2(leaf) - 3), speed: 0.9 };
  }
  const layers = trial.suggestInt('n_layers', 1, 3);
  let width = 0;
  for (let i = 0; i < layers; i++) width += trial.suggestInt(`units_l${i}`, 8, 256, { log: true });
  const lr = trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
  // The best family when tuned: wide enough, learning rate near 1e-2.
  return { floor: 0.1 + 0.05 * Math.log10(lr / 1e-2) ** 2 + 8 / width, speed: 40 * lr };
}

export async function objective(trial: Trial): Promise<number> {
  const { floor, speed } = shape(trial);
  let loss = Number.NaN;
  for (let step = 1; step <= MAX_STEPS; step++) {
    loss = floor + (1 - floor) * Math.exp(-speed * step);
    await trial.report(loss, step);
    if (trial.shouldPrune()) throw new TrialPruned(`Pruned at step ${step} of ${MAX_STEPS}.`);
  }
  await trial.setUserAttr('steps', MAX_STEPS);
  return loss;
}
