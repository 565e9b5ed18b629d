import { createRng } from '../random/rng';
import { fitRandomForest } from './random-forest';
import { predictTree } from './regression-tree';

describe('fitRandomForest', () => {
  const rng = createRng(11);
  const n = 40;
  const x = Float64Array.from({ length: n }, () => rng.random());
  const data = { x, y: Float64Array.from(x, (v) => 3 * v), nFeatures: 1 };

  it('is the same forest for the same seed, another for another seed', () => {
    const a = fitRandomForest(data, createRng(1), { nTrees: 5 });
    const b = fitRandomForest(data, createRng(1), { nTrees: 5 });
    const c = fitRandomForest(data, createRng(2), { nTrees: 5 });
    expect(a).toHaveLength(5);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('predicts a monotone function closely on average', () => {
    const forest = fitRandomForest(data, createRng(3), { nTrees: 32 });
    const mean = (p: number) => forest.reduce((s, t) => s + predictTree(t, [p]), 0) / forest.length;
    expect(mean(0.5)).toBeCloseTo(1.5, 0);
    expect(mean(0.1)).toBeLessThan(mean(0.9));
  });

  it('checks its options and the shape of the data', () => {
    expect(() => fitRandomForest(data, createRng(1), { nTrees: 0 })).toThrow(
      'nTrees must be an integer >= 1, got 0',
    );
    expect(() => fitRandomForest({ ...data, nFeatures: 2 }, createRng(1))).toThrow(
      'x must hold 40 rows of 2 features (80 numbers), got 40',
    );
  });
});
