import { fitYeoJohnson } from '../../math/fit-yeo-johnson';
import { yeoJohnson } from '../../math/yeo-johnson';
import type { StudyDirection } from '../../trial/trial-state';

/**
 * The GP's targets from objective values (output warping, as HEBO does): a stationary GP models a skewed objective
 * poorly — a few huge values at the edges of the space (Rosenbrock, Styblinski–Tang) dominate its fit, squash
 * the differences near the optimum into its noise, and stretch its length scales over the basins. So:
 *
 * 1. orient the values so that smaller is better (a maximized objective is negated), and clip infinite ones to
 *    the finite extremes;
 * 2. standardize them;
 * 3. apply the Yeo–Johnson transform with the λ that makes them most normal (fitYeoJohnson): for the usual
 *    long tail of bad values, λ < 1 compresses that tail and stretches the good end; for symmetric values λ ≈ 1
 *    changes little; the map is smooth and monotone, so the best trial stays the best;
 * 4. negate, so that larger is better (the GP and log EI maximize).
 *
 * The caller standardizes the result again for the GP.
 */
export function warpObjectiveValues(values: readonly number[], direction: StudyDirection): Float64Array {
  const n = values.length;
  const sign = direction === 'minimize' ? 1 : -1;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, sign * v);
      hi = Math.max(hi, sign * v);
    }
  }
  const out = new Float64Array(n);
  if (!(hi > lo)) return out; // nothing finite, or all equal: no information to warp
  let mean = 0;
  for (let i = 0; i < n; i++) {
    out[i] = Math.min(hi, Math.max(lo, sign * values[i]));
    mean += out[i] / n;
  }
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (out[i] - mean) ** 2 / n;
  const std = Math.sqrt(variance);
  for (let i = 0; i < n; i++) out[i] = (out[i] - mean) / std;
  const lambda = fitYeoJohnson(out);
  for (let i = 0; i < n; i++) out[i] = -yeoJohnson(out[i], lambda);
  return out;
}
