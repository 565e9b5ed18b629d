import { marginalVarianceFractions } from './fanova';
import type { RegressionTree } from './regression-tree';

/** A tree from its nodes: [feature, threshold, left, right, value] (feature -1 for leaves). */
function tree(
  nFeatures: number,
  nodes: ReadonlyArray<readonly [number, number, number, number, number]>,
): RegressionTree {
  return {
    nFeatures,
    feature: Int32Array.from(nodes.map((n) => n[0])),
    threshold: Float64Array.from(nodes.map((n) => n[1])),
    left: Int32Array.from(nodes.map((n) => n[2])),
    right: Int32Array.from(nodes.map((n) => n[3])),
    value: Float64Array.from(nodes.map((n) => n[4])),
  };
}

describe('marginalVarianceFractions', () => {
  // On [0, 1]²: f = 0 for x0 <= 0.5; else 2 for x1 <= 0.5 and 4 above.
  // μ = 1.5, V = 0.5·1.5² + 0.25·0.5² + 0.25·2.5² = 2.75.
  // Marginal of x0: 0 | 3 → V0 = 2.25. Marginal of x1: 1 | 2 → V1 = 0.25. The rest (0.25) is interaction.
  const t = tree(2, [
    [0, 0.5, 1, 2, 1.5],
    [-1, 0, -1, -1, 0],
    [1, 0.5, 3, 4, 3],
    [-1, 0, -1, -1, 2],
    [-1, 0, -1, -1, 4],
  ]);

  it('decomposes the variance of a hand-made tree exactly', () => {
    const f = marginalVarianceFractions(t, [
      [0, 1],
      [0, 1],
    ])!;
    expect(f[0]).toBeCloseTo(2.25 / 2.75, 12);
    expect(f[1]).toBeCloseTo(0.25 / 2.75, 12);
  });

  it('weighs the regions by their volume in the bounds', () => {
    // x0 over [0, 2]: the x0 <= 0.5 region is only a quarter of the box.
    // μ = 0.75·3 = 2.25; V = 0.25·2.25² + 0.375·0.25² + 0.375·1.75² = 2.4375; V0 = 0.25·2.25² + 0.75·0.75² = 1.6875.
    const f = marginalVarianceFractions(t, [
      [0, 2],
      [0, 1],
    ])!;
    expect(f[0]).toBeCloseTo(1.6875 / 2.4375, 12);
  });

  it('has nothing to decompose in a constant tree', () => {
    expect(marginalVarianceFractions(tree(1, [[-1, 0, -1, -1, 3]]), [[0, 1]])).toBeNull();
  });

  it('checks the bounds against the tree', () => {
    expect(() => marginalVarianceFractions(t, [[0, 1]])).toThrow('bounds must have 2 features, got 1');
  });
});
