import { normalCdf } from '../../math/normal-cdf';
import { normalPpf } from '../../math/normal-ppf';

/**
 * The truncated normal N(μ, σ²) restricted to [low, high], the kernel of the Parzen estimators.
 * Everything is written on the standardised bounds a = (low - μ)/σ, b = (high - μ)/σ.
 */

/**
 * The quantile of N(0, 1) truncated to [a, b] at level u ∈ [0, 1]: Φ⁻¹(Φ(a) + u (Φ(b) - Φ(a))),
 * computed on the side of the distribution where it does not round (upper quantiles through
 * Φ(-x) = Φ(-b) + (1 - u)(Φ(b) - Φ(a))), and clipped to [a, b].
 */
export function truncNormQuantile(u: number, a: number, b: number): number {
  if (!(a < b)) return a;
  if (a > 0) return -truncNormQuantile(1 - u, -b, -a); // mirror into the left half
  const pa = normalCdf(a);
  const pbUpper = normalCdf(-b); // 1 - Φ(b), exact for b > 0
  const mass = b <= 0 ? normalCdf(b) - pa : 1 - pa - pbUpper;
  if (!(mass > 0)) return a + u * (b - a); // both bounds beyond double range of Φ: nearly uniform
  const p = pa + u * mass;
  const z = p <= 0.5 ? normalPpf(p) : -normalPpf(pbUpper + (1 - u) * mass);
  return Math.min(b, Math.max(a, z));
}

/** One draw of N(μ, σ²) truncated to [low, high], by inversion of the uniform `u` ∈ [0, 1). */
export function sampleTruncNorm(u: number, mu: number, sigma: number, low: number, high: number): number {
  const z = truncNormQuantile(u, (low - mu) / sigma, (high - mu) / sigma);
  return Math.min(high, Math.max(low, mu + sigma * z));
}
