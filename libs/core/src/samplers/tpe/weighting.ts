/**
 * How many finished trials count as "good" (γ), and how much each observation weighs in a Parzen
 * estimator: the functions TpeSampler takes as `gamma` and `weights`.
 */

/** TpeSampler's default γ with `multivariate`: min(⌈0.2 n⌉, 25), the best 20%, at most 25. */
export function multivariateGamma(n: number): number {
  return Math.min(Math.ceil(0.2 * n), 25);
}

/** TpeSampler's default γ without `multivariate`: min(⌈0.15 n⌉, 25). */
export function univariateGamma(n: number): number {
  return Math.min(Math.ceil(0.15 * n), 25);
}

/** Optuna's default γ(n) = min(⌈0.1 n⌉, 25): the best 10%, at most 25. */
export function optunaGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * TpeSampler's default γ with two objectives: ⌈0.1 n⌉, the best 10 %, not capped (Optuna 5's default
 * for several objectives), so that l(x) keeps up with a Pareto front that grows with the study.
 */
export function multiObjectiveGamma(n: number): number {
  return Math.ceil(0.1 * n);
}

/**
 * TpeSampler's default γ with three or more objectives: min(⌈0.2 n⌉, 50), the best 20 %, at most 50.
 * The cap is for cost: the good set is cut from a front that holds most trials in three dimensions, by
 * a greedy hypervolume selection whose steps cost O(γ log γ) each; uncapped, an ask took 0.6 s after
 * 750 trials. It binds only past 250 trials.
 */
export function manyObjectiveGamma(n: number): number {
  return Math.min(Math.ceil(0.2 * n), 50);
}

/** hyperopt's γ(n) = min(⌈0.25 √n⌉, 25). */
export function hyperoptDefaultGamma(n: number): number {
  return Math.min(Math.ceil(0.25 * Math.sqrt(n)), 25);
}

/**
 * Optuna's default weights of n observations, oldest first: 1 each when n < 25; otherwise the newest
 * 25 weigh 1 and the older n - 25 ramp linearly from 1/n up to 1 (numpy's linspace(1/n, 1, n - 25)).
 */
export function defaultWeights(n: number): Float64Array {
  return fillDefaultWeights(new Float64Array(n));
}

/** Writes `defaultWeights(out.length)` into `out` (no allocation) and returns it. */
export function fillDefaultWeights(out: Float64Array): Float64Array {
  const n = out.length;
  out.fill(1);
  if (n < 25) return out;
  const ramp = n - 25;
  const start = 1 / n;
  // linspace(start, 1, ramp): start + i (1 - start)/(ramp - 1), the last one exactly 1.
  for (let i = 0; i < ramp; i++) out[i] = ramp === 1 ? start : start + (i * (1 - start)) / (ramp - 1);
  return out;
}
