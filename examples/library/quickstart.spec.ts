import { quickstart, trainOneEpoch } from './quickstart';

describe('the README library example', () => {
  it('runs its study: finished trials report every epoch, pruned ones stop where they fell behind, the best is the top value', async () => {
    const study = await quickstart(24);
    const trials = study.trials;
    expect(trials).toHaveLength(24);
    const epochs = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    for (const t of trials) {
      const steps = Object.keys(t.intermediateValues).map(Number);
      if (t.state === 'COMPLETE') {
        expect(steps).toEqual(epochs(20));
        expect(t.values).toEqual([t.intermediateValues[20]]);
      } else {
        // Stopped after the epoch whose report fell behind: no epoch after it ran.
        expect(t.state).toBe('PRUNED');
        expect(steps).toEqual(epochs(steps.length));
      }
    }
    expect(trials.some((t) => t.state === 'PRUNED')).toBe(true);
    const complete = trials.filter((t) => t.state === 'COMPLETE').map((t) => t.values![0]);
    expect(study.bestValue).toBe(Math.max(...complete));
  });

  it('gives the same trials for the same seed, four at a time', async () => {
    const params = async () => (await quickstart(12)).trials.map((t) => t.params);
    expect(await params()).toEqual(await params());
  });

  it('trains a model whose accuracy grows with the epochs', async () => {
    const config = { lr: 0.01, layers: 2, optimizer: 'adam' };
    const curve = await Promise.all([1, 5, 10, 20].map((e) => trainOneEpoch(config, e)));
    expect([...curve].sort((a, b) => a - b)).toEqual(curve);
    expect(curve[3]).toBeLessThan(1);
  });
});
