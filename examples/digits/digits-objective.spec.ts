import { createStudy, NopPruner, RandomSampler } from '@tuneforge/core';
import { objective } from './digits-objective';

const GOOD_PARAMS = {
  hidden_units: 64,
  learning_rate: 3e-3,
  weight_decay: 1e-4,
  activation: 'relu',
  epochs: 6,
};

describe('digits objective', () => {
  it('reports the validation accuracy of every epoch and returns the last one', async () => {
    const study = await createStudy({ direction: 'maximize', pruner: new NopPruner() });
    await study.enqueueTrial(GOOD_PARAMS);
    await study.optimize(objective, { nTrials: 1 });
    const [trial] = study.trials;
    expect(trial.state).toBe('COMPLETE');
    expect(trial.params).toEqual(GOOD_PARAMS);
    const steps = Object.keys(trial.intermediateValues).map(Number);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    expect(trial.values).toEqual([trial.intermediateValues[6]]);
    expect(trial.values![0]).toBeGreaterThanOrEqual(0.93);
    // Accuracy on 359 images moves in steps of 1/359.
    expect(Math.round(trial.values![0] * 359)).toBeCloseTo(trial.values![0] * 359, 9);
  });

  it('is a function of the hyper-parameters alone: the same params give the same accuracy', async () => {
    const study = await createStudy({ direction: 'maximize', pruner: new NopPruner() });
    const params = { ...GOOD_PARAMS, activation: 'tanh', epochs: 5 };
    await study.enqueueTrial(params);
    await study.enqueueTrial(params);
    await study.optimize(objective, { nTrials: 2 });
    expect(study.trials[1].intermediateValues).toEqual(study.trials[0].intermediateValues);
  });

  it('stops at the first epoch its pruner rejects', async () => {
    const study = await createStudy({ direction: 'maximize', pruner: { prune: () => true } });
    await study.enqueueTrial(GOOD_PARAMS);
    await study.optimize(objective, { nTrials: 1 });
    const [trial] = study.trials;
    expect(trial.state).toBe('PRUNED');
    expect(Object.keys(trial.intermediateValues)).toEqual(['1']);
  });

  it('suggests the five hyper-parameters from their declared ranges', async () => {
    const study = await createStudy({
      direction: 'maximize',
      sampler: new RandomSampler({ seed: 1 }),
      pruner: { prune: () => true },
    });
    await study.optimize(objective, { nTrials: 4 });
    for (const trial of study.trials) {
      expect(trial.distributions).toEqual({
        hidden_units: { type: 'int', low: 16, high: 256, log: true, step: 1 },
        learning_rate: { type: 'float', low: 1e-4, high: 1e-1, log: true, step: null },
        weight_decay: { type: 'float', low: 1e-6, high: 1e-1, log: true, step: null },
        activation: { type: 'categorical', choices: ['relu', 'tanh'] },
        epochs: { type: 'int', low: 5, high: 30, log: false, step: 1 },
      });
    }
  });
});
