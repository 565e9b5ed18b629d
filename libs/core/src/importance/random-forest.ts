import { InvalidArgumentError } from '../errors';
import type { Rng } from '../random/rng';
import {
  fitRegressionTree,
  type RegressionTree,
  type RegressionTreeOptions,
  type TrainingSet,
} from './regression-tree';

export interface RandomForestOptions extends RegressionTreeOptions {
  /** Trees in the forest. @defaultValue 64 (as Optuna's fANOVA evaluator) */
  readonly nTrees?: number;
}

/**
 * A random forest of regression trees (Breiman, 2001), each fitted to a bootstrap sample of the rows
 * drawn with `rng`: the same generator state gives the same forest. Every feature is tried at every split
 * (scikit-learn's default for regression), so the trees differ by their samples only.
 */
export function fitRandomForest(
  data: TrainingSet,
  rng: Rng,
  options: RandomForestOptions = {},
): RegressionTree[] {
  const nTrees = options.nTrees ?? 64;
  if (!Number.isInteger(nTrees) || nTrees < 1) {
    throw new InvalidArgumentError(`nTrees must be an integer >= 1, got ${nTrees}`);
  }
  const n = data.y.length;
  if (data.x.length !== n * data.nFeatures) {
    throw new InvalidArgumentError(
      `x must hold ${n} rows of ${data.nFeatures} features (${n * data.nFeatures} numbers), got ${data.x.length}`,
    );
  }
  const trees: RegressionTree[] = [];
  for (let t = 0; t < nTrees; t++) {
    const rows = Array.from({ length: n }, () => rng.int(n));
    trees.push(fitRegressionTree(data, rows, options));
  }
  return trees;
}
