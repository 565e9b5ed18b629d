/**
 * The demo objective (`npm run demo`): tune a one-hidden-layer MLP on the 8x8 digits and maximize
 * its validation accuracy. Each epoch reports the accuracy so that the median pruner can stop a
 * trial that trails the completed ones, as a Keras or PyTorch user would do with Optuna.
 */
import { TrialPruned, type Trial } from '@tuneforge/core';
import { DIGITS_CLASSES, DIGITS_FEATURES, loadDigits } from './digits-data';
import { Mlp } from './mlp';

/** One seed for every trial, so the accuracy is a function of the hyper-parameters alone. */
const INIT_SEED = 0;

export async function objective(trial: Trial): Promise<number> {
  // Ranges chosen so that a trial takes well under a second on one core (hidden units dominate the
  // cost) while most of the space still trains to > 0.9 and the best part reaches ~0.98.
  const hiddenUnits = trial.suggestInt('hidden_units', 16, 256, { log: true });
  const learningRate = trial.suggestFloat('learning_rate', 1e-4, 1e-1, { log: true });
  const weightDecay = trial.suggestFloat('weight_decay', 1e-6, 1e-1, { log: true });
  const activation = trial.suggestCategorical('activation', ['relu', 'tanh'] as const);
  const epochs = trial.suggestInt('epochs', 5, 30);

  const { train, validation } = loadDigits();
  const net = new Mlp({
    inputs: DIGITS_FEATURES,
    hiddenUnits,
    classes: DIGITS_CLASSES,
    activation,
    learningRate,
    weightDecay,
    seed: INIT_SEED,
  });
  let accuracy = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    net.trainEpoch(train);
    accuracy = net.accuracy(validation);
    await trial.report(accuracy, epoch);
    if (trial.shouldPrune()) {
      throw new TrialPruned(
        `Pruned after epoch ${epoch} of ${epochs} at validation accuracy ${accuracy.toFixed(4)}.`,
      );
    }
  }
  return accuracy;
}
