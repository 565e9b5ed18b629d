import { loadDigits, subset, type Dataset } from './digits-data';
import { Mlp, type MlpOptions } from './mlp';

const { train, validation } = loadDigits();
const GOOD: MlpOptions = {
  inputs: 64,
  hiddenUnits: 64,
  classes: 10,
  activation: 'relu',
  learningRate: 3e-3,
  weightDecay: 1e-4,
  seed: 1,
};

function trainFor(options: MlpOptions, epochs: number): { net: Mlp; epochLosses: number[] } {
  const net = new Mlp(options);
  const epochLosses = Array.from({ length: epochs }, () => net.trainEpoch(train));
  return { net, epochLosses };
}

describe('Mlp', () => {
  it('checks its options and names the bad one', () => {
    expect(() => new Mlp({ ...GOOD, hiddenUnits: 0 })).toThrow('hiddenUnits must be an integer >= 1, got 0');
    expect(() => new Mlp({ ...GOOD, learningRate: 0 })).toThrow(
      'learningRate must be a finite number > 0, got 0',
    );
    expect(() => new Mlp({ ...GOOD, weightDecay: -1 })).toThrow(
      'weightDecay must be a finite number >= 0, got -1',
    );
    expect(() => new Mlp({ ...GOOD, activation: 'gelu' as never })).toThrow(
      `activation must be 'relu' or 'tanh', got "gelu"`,
    );
    expect(() => new Mlp({ ...GOOD, inputs: 3 }).accuracy(train)).toThrow(
      'data has 64 features, the network 3 inputs',
    );
  });

  it('has inputs*hidden + hidden + hidden*classes + classes parameters', () => {
    expect(new Mlp(GOOD).parameterCount).toBe(64 * 64 + 64 + 64 * 10 + 10);
  });

  it('starts near chance: cross-entropy close to ln(10)', () => {
    const loss = new Mlp(GOOD).loss(validation);
    expect(loss).toBeGreaterThan(1.8);
    expect(loss).toBeLessThan(3.2);
  });

  // Central differences on a small net validate every part of the backward pass (both layers, biases,
  // both activations), which the accuracy tests below could not tell apart from a merely decent update.
  it.each(['relu', 'tanh'] as const)('computes the exact gradient (%s)', (activation) => {
    const net = new Mlp({ inputs: 64, hiddenUnits: 6, classes: 10, activation, batchSize: 8, seed: 4 });
    const batch: Dataset = subset(train, [0, 1, 2, 3, 4, 5, 6, 7]);
    const analytic = net.gradient(batch);
    const base = net.getParameters();
    const h = 1e-6;
    let worst = 0;
    for (let i = 0; i < base.length; i++) {
      const probe = base.slice();
      probe[i] = base[i] + h;
      net.setParameters(probe);
      const up = net.loss(batch);
      probe[i] = base[i] - h;
      net.setParameters(probe);
      const down = net.loss(batch);
      const numeric = (up - down) / (2 * h);
      worst = Math.max(
        worst,
        Math.abs(numeric - analytic[i]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[i])),
      );
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('lowers the training loss epoch after epoch', () => {
    const { net, epochLosses } = trainFor(GOOD, 5);
    for (let e = 1; e < epochLosses.length; e++) expect(epochLosses[e]).toBeLessThan(epochLosses[e - 1]);
    expect(epochLosses[0]).toBeLessThan(Math.log(10));
    expect(net.loss(train)).toBeLessThan(0.2);
  });

  it('reaches >= 0.95 validation accuracy with good settings, relu and tanh', () => {
    const relu = trainFor(GOOD, 15).net.accuracy(validation);
    const tanh = trainFor({ ...GOOD, activation: 'tanh' }, 15).net.accuracy(validation);
    expect(relu).toBeGreaterThanOrEqual(0.95);
    expect(tanh).toBeGreaterThanOrEqual(0.95);
  });

  it('gives the same accuracy for the same seed, and other weights for another', () => {
    const a = trainFor(GOOD, 3).net;
    const b = trainFor(GOOD, 3).net;
    const c = trainFor({ ...GOOD, seed: 2 }, 3).net;
    expect(b.accuracy(validation)).toBe(a.accuracy(validation));
    expect(b.getParameters()).toEqual(a.getParameters());
    expect(c.getParameters()).not.toEqual(a.getParameters());
  });

  it('shrinks the weights, not the biases, with weight decay', () => {
    // With a vanishing step the only visible change is the decay factor 1 - lr * wd = 0.5.
    const net = new Mlp({ ...GOOD, learningRate: 1e-12, weightDecay: 0.5e12, batchSize: train.n });
    const before = net.getParameters();
    net.trainEpoch(train);
    const after = net.getParameters();
    expect(after[0]).toBeCloseTo(before[0] * 0.5, 9);
    const b1 = 64 * 64;
    expect(after[b1]).toBeCloseTo(before[b1], 9);
  });
});
