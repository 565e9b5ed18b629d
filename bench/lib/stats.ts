/** Summary statistics of per-seed figures. */

export interface Summary {
  median: number;
  mean: number;
  min: number;
  max: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export function summarize(values: readonly number[]): Summary {
  return { median: median(values), mean: mean(values), min: Math.min(...values), max: Math.max(...values) };
}
