/**
 * The Yeo–Johnson power transform (Yeo & Johnson 2000), a family of monotone maps that make skewed data
 * closer to normal, defined for values of either sign:
 *
 *   ψ(λ, x) = ((x + 1)^λ − 1)/λ            x >= 0, λ ≠ 0      log(1 + x)      x >= 0, λ = 0
 *   ψ(λ, x) = −((1 − x)^(2−λ) − 1)/(2 − λ)  x < 0, λ ≠ 2      −log(1 − x)     x < 0, λ = 2
 *
 * λ = 1 is the identity; λ < 1 compresses the right tail (log-like at λ = 0) and stretches the left one.
 */
export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) return Math.abs(lambda) < 1e-12 ? Math.log1p(x) : ((x + 1) ** lambda - 1) / lambda;
  return Math.abs(lambda - 2) < 1e-12 ? -Math.log1p(-x) : -((1 - x) ** (2 - lambda) - 1) / (2 - lambda);
}
