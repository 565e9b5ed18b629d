import { InvalidArgumentError } from '../errors';
import { createRng } from '../random/rng';
import type { FrozenTrial } from '../trial/frozen-trial';
import { commonParams, encodeParams } from './encode-params';
import { marginalVarianceFractions } from './fanova';
import { fitRandomForest } from './random-forest';

export interface ImportanceOptions {
  /** Seed of the forest's bootstrap: the same seed and trials give the same importances. @defaultValue 0 */
  readonly seed?: number;
  /**
   * Parameters to rank; only the completed trials that have all of them are used.
   * @defaultValue the parameters every completed trial has (the intersection search space)
   */
  readonly params?: readonly string[];
  /** Which objective's values to explain. @defaultValue 0 */
  readonly objective?: number;
  /** Explain this number instead of an objective value (e.g. a duration); trials where it is not finite are skipped. */
  readonly target?: (trial: FrozenTrial) => number;
  /** Trees in the forest. @defaultValue 64 */
  readonly nTrees?: number;
  /** Depth limit of each tree. @defaultValue 64 */
  readonly maxDepth?: number;
  /**
   * Fit the forest on at most this many of the usable trials, a sample drawn with `seed` (the same trials
   * give the same sample): the forest's cost grows faster than the trials. @defaultValue all of them
   */
  readonly maxTrials?: number;
}

/** `count` of `items`, drawn without replacement by `seed`, in their order; all of them when there are fewer. */
function seededSample<T>(items: readonly T[], count: number, seed: number): T[] {
  if (items.length <= count) return [...items];
  const rng = createRng(seed);
  const index = Array.from(items, (_, i) => i);
  // A partial Fisher–Yates shuffle: the first `count` places are the sample.
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(index.length - i);
    [index[i], index[j]] = [index[j], index[i]];
  }
  return index
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => items[i]);
}

/** One parameter's share of the explained variance. */
export interface ParamImportance {
  readonly param: string;
  /** In [0, 1]; the importances of one call add up to 1. */
  readonly importance: number;
}

/**
 * Parameter importances by fANOVA (Hutter et al., 2014), as Optuna's default `FanovaImportanceEvaluator`:
 * a random forest is fitted to the completed trials (parameters encoded as in `encodeParam`, the target
 * standardised), each tree's variance over the search box is decomposed, and a parameter's importance is
 * the mean over trees of the variance its marginal explains, V_j / V. The shares are then normalised to
 * add up to 1, so they rank the parameters; the part left to interactions is not reported.
 *
 * When the target never varies there is nothing to explain, and every parameter gets an equal share.
 *
 * @returns one entry per parameter, most important first (ties by name); empty when there is no parameter
 * @throws InvalidArgumentError with fewer than two usable trials, or for a parameter that no trial has
 */
export function importances(
  trials: readonly FrozenTrial[],
  options: ImportanceOptions = {},
): ParamImportance[] {
  const objective = options.objective ?? 0;
  if (!Number.isInteger(objective) || objective < 0) {
    throw new InvalidArgumentError(`objective must be an integer >= 0, got ${objective}`);
  }
  const target =
    options.target ??
    ((t: FrozenTrial) => (t.values !== null && objective < t.values.length ? t.values[objective] : NaN));
  let usable = trials.filter((t) => t.state === 'COMPLETE' && Number.isFinite(target(t)));
  if (options.params !== undefined) {
    const wanted = options.params;
    for (const p of wanted) {
      if (!usable.some((t) => p in t.params)) {
        throw new InvalidArgumentError(`parameter '${p}' is in no completed trial`);
      }
    }
    usable = usable.filter((t) => wanted.every((p) => p in t.params));
  }
  const names = options.params !== undefined ? [...options.params] : commonParams(usable);
  if (names.length === 0) return [];
  if (usable.length < 2) {
    throw new InvalidArgumentError(
      `importances need at least 2 completed trials with a finite target and all the parameters, got ${usable.length}`,
    );
  }

  if (options.maxTrials !== undefined) {
    if (!Number.isInteger(options.maxTrials) || options.maxTrials < 2) {
      throw new InvalidArgumentError(`maxTrials must be an integer >= 2, got ${options.maxTrials}`);
    }
    usable = seededSample(usable, options.maxTrials, options.seed ?? 0);
  }
  const encodings = encodeParams(usable, names);
  const n = usable.length;
  const d = names.length;
  const x = new Float64Array(n * d);
  const raw = usable.map(target);
  const mean = raw.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(raw.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  // Standardising changes no ratio V_j / V, and keeps the trees' rounding tolerance meaningful.
  const y = Float64Array.from(raw, (v) => (sd > 0 ? (v - mean) / sd : 0));
  usable.forEach((t, i) => encodings.forEach((e, j) => (x[i * d + j] = e.encode(t.params[e.name]))));

  const sums = new Float64Array(d);
  if (sd > 0) {
    const forest = fitRandomForest({ x, y, nFeatures: d }, createRng(options.seed ?? 0), {
      nTrees: options.nTrees,
      maxDepth: options.maxDepth,
    });
    const bounds = encodings.map((e) => e.bounds);
    let counted = 0;
    for (const tree of forest) {
      const fractions = marginalVarianceFractions(tree, bounds);
      if (fractions === null) continue;
      counted++;
      for (let j = 0; j < d; j++) sums[j] += fractions[j];
    }
    if (counted > 0) for (let j = 0; j < d; j++) sums[j] /= counted;
  }
  const total = sums.reduce((s, v) => s + v, 0);
  return names
    .map((param, j) => ({ param, importance: total > 0 ? sums[j] / total : 1 / d }))
    .sort((a, b) => b.importance - a.importance || (a.param < b.param ? -1 : a.param > b.param ? 1 : 0));
}
