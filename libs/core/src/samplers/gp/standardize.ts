/** Standard deviations below this are treated as this when standardizing (all values equal). */
const MIN_STD = 1e-10;

/**
 * (v − mean)/std, after clipping infinite values to the finite extremes (a trial returning ±Infinity would
 * otherwise make every value NaN); also returns the clip range, mean and std used.
 */
export function standardize(values: readonly number[]): {
  y: Float64Array;
  mean: number;
  std: number;
  lo: number;
  hi: number;
} {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo > hi) lo = hi = 0; // no finite value at all
  const v = Float64Array.from(values, (x) => Math.min(hi, Math.max(lo, x)));
  let mean = 0;
  for (const x of v) mean += x / v.length;
  let variance = 0;
  for (const x of v) variance += (x - mean) ** 2 / v.length;
  const std = Math.max(MIN_STD, Math.sqrt(variance));
  return { y: v.map((x) => (x - mean) / std), mean, std, lo, hi };
}
