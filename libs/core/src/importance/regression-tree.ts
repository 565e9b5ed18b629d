import { InvalidArgumentError } from '../errors';

/**
 * A fitted regression tree in flat arrays (node 0 is the root), so it is cheap to walk and plain to
 * inspect. An internal node sends x[feature] <= threshold left and the rest right; a leaf has feature -1.
 */
export interface RegressionTree {
  readonly nFeatures: number;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** The mean target of the node's training samples (the prediction at a leaf). */
  readonly value: Float64Array;
}

export interface RegressionTreeOptions {
  /** Depth at which every node becomes a leaf (the root has depth 0). @defaultValue 64 */
  readonly maxDepth?: number;
  /** Fewest samples a node needs to be split. @defaultValue 2 */
  readonly minSamplesSplit?: number;
  /** Fewest samples on each side of a split. @defaultValue 1 */
  readonly minSamplesLeaf?: number;
}

/** A data set of n rows: `x` is row-major, n * nFeatures numbers. */
export interface TrainingSet {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly nFeatures: number;
}

function checkCount(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min)
    throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

interface PendingNode {
  readonly id: number;
  readonly rows: number[];
  readonly depth: number;
}

/**
 * Fits a CART regression tree (Breiman et al., 1984) by least squares on the rows `rows` of `data` (a
 * row may appear several times: bootstrap samples do). At each node every feature is tried, and the cut
 * that minimises SSE_left + SSE_right, i.e. maximises sumL²/nL + sumR²/nR, wins; cuts fall halfway
 * between consecutive distinct values. Ties go to the lower feature and the lower cut, so a fit is a
 * function of its inputs alone.
 */
export function fitRegressionTree(
  data: TrainingSet,
  rows: readonly number[],
  options: RegressionTreeOptions = {},
): RegressionTree {
  const maxDepth = checkCount('maxDepth', options.maxDepth ?? 64, 0);
  const minSplit = checkCount('minSamplesSplit', options.minSamplesSplit ?? 2, 2);
  const minLeaf = checkCount('minSamplesLeaf', options.minSamplesLeaf ?? 1, 1);
  const { x, y, nFeatures: d } = data;
  if (rows.length === 0) throw new InvalidArgumentError('a regression tree needs at least one row');

  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const newNode = () => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };

  const stack: PendingNode[] = [{ id: newNode(), rows: [...rows], depth: 0 }];
  while (stack.length > 0) {
    const { id, rows: nodeRows, depth } = stack.pop()!;
    const n = nodeRows.length;
    let sum = 0;
    let sumSq = 0;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (const r of nodeRows) {
      sum += y[r];
      sumSq += y[r] * y[r];
      yMin = Math.min(yMin, y[r]);
      yMax = Math.max(yMax, y[r]);
    }
    value[id] = sum / n;
    if (depth >= maxDepth || n < minSplit || yMin === yMax) continue;

    // Splitting never raises the SSE, so the best cut is the one with the largest sumL²/nL + sumR²/nR;
    // it must beat the unsplit node's sum²/n by more than rounding (relative to Σy²) to be worth a node.
    let bestScore = (sum * sum) / n + 1e-12 * sumSq;
    let bestFeature = -1;
    let bestThreshold = 0;
    for (let f = 0; f < d; f++) {
      const sorted = [...nodeRows].sort((a, b) => x[a * d + f] - x[b * d + f]);
      let sumLeft = 0;
      for (let k = 0; k < n - 1; k++) {
        sumLeft += y[sorted[k]];
        const nLeft = k + 1;
        const here = x[sorted[k] * d + f];
        const next = x[sorted[k + 1] * d + f];
        if (here === next || nLeft < minLeaf || n - nLeft < minLeaf) continue;
        const sumRight = sum - sumLeft;
        const score = (sumLeft * sumLeft) / nLeft + (sumRight * sumRight) / (n - nLeft);
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          // Halfway, unless rounding lands on `next` (adjacent doubles): then the cut is `here`.
          const mid = here + (next - here) / 2;
          bestThreshold = mid < next ? mid : here;
        }
      }
    }
    if (bestFeature < 0) continue;
    const leftRows: number[] = [];
    const rightRows: number[] = [];
    for (const r of nodeRows) (x[r * d + bestFeature] <= bestThreshold ? leftRows : rightRows).push(r);
    feature[id] = bestFeature;
    threshold[id] = bestThreshold;
    left[id] = newNode();
    right[id] = newNode();
    // Right first on the stack so the left subtree is numbered first: node ids follow a depth-first order.
    stack.push({ id: right[id], rows: rightRows, depth: depth + 1 });
    stack.push({ id: left[id], rows: leftRows, depth: depth + 1 });
  }
  return {
    nFeatures: d,
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

/** The tree's prediction at point `point` (nFeatures numbers). */
export function predictTree(tree: RegressionTree, point: ArrayLike<number>): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node = point[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return tree.value[node];
}
