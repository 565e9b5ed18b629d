/**
 * The README's library example, runnable: `npx tsx examples/library/quickstart.ts` from the repository's
 * root (the `@tuneforge/*` packages resolve through its tsconfig; they are not published to npm). It tunes a
 * learning rate, a depth and an optimizer with TPE, and the median pruner stops trials whose learning curve
 * falls behind. `trainOneEpoch` stands in for a real training step.
 */
import { createStudy, MedianPruner, TpeSampler, TrialPruned, type Study } from '@tuneforge/core';

export interface TrainingConfig {
  lr: number;
  layers: number;
  optimizer: string;
}

/**
 * The validation accuracy after `epoch` epochs of a made-up model: a learning curve whose ceiling is highest
 * near lr = 0.01 with 2 or 3 layers and adam, and which learns faster with a larger learning rate.
 */
export async function trainOneEpoch(config: TrainingConfig, epoch: number): Promise<number> {
  const lrFit = Math.exp(-((Math.log10(config.lr) + 2) ** 2) / 2);
  const depthFit = 1 - 0.08 * Math.abs(config.layers - 2.5);
  const ceiling = 0.5 + 0.45 * lrFit * depthFit * (config.optimizer === 'adam' ? 1 : 0.92);
  const speed = 2 + 6 * Math.max(0, -Math.log10(config.lr) - 1) ** 0.5;
  return ceiling * (1 - Math.exp(-epoch / speed));
}

export async function quickstart(nTrials = 100): Promise<Study> {
  const study = await createStudy({
    studyName: 'mlp',
    direction: 'maximize',
    sampler: new TpeSampler({ seed: 1 }),
    pruner: new MedianPruner(),
  });

  await study.optimize(
    async (trial) => {
      const lr = trial.suggestFloat('lr', 1e-5, 1e-1, { log: true });
      const layers = trial.suggestInt('layers', 1, 4);
      const optimizer = trial.suggestCategorical('optimizer', ['sgd', 'adam']);
      let accuracy = 0;
      for (let epoch = 1; epoch <= 20; epoch++) {
        accuracy = await trainOneEpoch({ lr, layers, optimizer }, epoch);
        await trial.report(accuracy, epoch); // intermediate value, for the pruner
        if (trial.shouldPrune()) throw new TrialPruned();
      }
      return accuracy;
    },
    { nTrials, concurrency: 4 },
  );
  return study;
}

if (require.main === module) {
  void quickstart().then((study) => console.log(study.bestValue, study.bestParams));
}
