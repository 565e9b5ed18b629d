import { fitRegressionTree, predictTree, type TrainingSet } from './regression-tree';

/** Rows of (x0, x1) → y, as a training set. */
function dataset(rows: ReadonlyArray<readonly [number, number, number]>): TrainingSet {
  return {
    x: Float64Array.from(rows.flatMap(([a, b]) => [a, b])),
    y: Float64Array.from(rows.map(([, , y]) => y)),
    nFeatures: 2,
  };
}
const all = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('fitRegressionTree', () => {
  // y is a step in x1 at 0.5; x0 is noise.
  const data = dataset([
    [0.9, 0.1, 1],
    [0.1, 0.2, 1],
    [0.5, 0.4, 1],
    [0.3, 0.6, 5],
    [0.7, 0.8, 5],
    [0.2, 0.9, 5],
  ]);

  it('finds the step with one split halfway between the values around it', () => {
    const tree = fitRegressionTree(data, all(6));
    expect(Array.from(tree.feature)).toEqual([1, -1, -1]);
    expect(tree.threshold[0]).toBeCloseTo(0.5, 12);
    expect(predictTree(tree, [0, 0.45])).toBe(1);
    expect(predictTree(tree, [0, 0.55])).toBe(5);
    expect(tree.value[0]).toBe(3);
  });

  it('weights repeated rows as a bootstrap sample does', () => {
    const tree = fitRegressionTree(data, [0, 0, 0, 3]);
    expect(tree.value[0]).toBe(2);
    expect(predictTree(tree, [0, 0.9])).toBe(5);
  });

  it('stops at maxDepth and at pure nodes', () => {
    expect(Array.from(fitRegressionTree(data, all(6), { maxDepth: 0 }).feature)).toEqual([-1]);
    const constant = dataset([
      [0, 0, 2],
      [1, 1, 2],
    ]);
    expect(Array.from(fitRegressionTree(constant, [0, 1]).feature)).toEqual([-1]);
  });

  it('fits distinct points exactly when grown fully', () => {
    const xor = dataset([
      [0, 0, 0],
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
      [0.5, 0.5, 7],
    ]);
    const tree = fitRegressionTree(xor, all(5));
    for (let i = 0; i < 5; i++) expect(predictTree(tree, [xor.x[2 * i], xor.x[2 * i + 1]])).toBe(xor.y[i]);
  });

  it('keeps minSamplesLeaf rows on each side', () => {
    const tree = fitRegressionTree(data, all(6), { minSamplesLeaf: 4 });
    expect(Array.from(tree.feature)).toEqual([-1]);
  });

  it('refuses bad options with their names', () => {
    expect(() => fitRegressionTree(data, all(6), { maxDepth: -1 })).toThrow(
      'maxDepth must be an integer >= 0, got -1',
    );
    expect(() => fitRegressionTree(data, all(6), { minSamplesSplit: 1 })).toThrow(
      'minSamplesSplit must be an integer >= 2, got 1',
    );
    expect(() => fitRegressionTree(data, [])).toThrow('a regression tree needs at least one row');
  });
});
