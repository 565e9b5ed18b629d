import { normalCdf } from './normal-cdf';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

// Acklam's rational approximation of Φ⁻¹ (relative error < 1.2e-9), refined below by one Halley step.
const IA = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const IB = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const IC = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ID = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** c[0] xⁿ + c[1] xⁿ⁻¹ + ... (Horner). */
function hornerDesc(c: readonly number[], x: number): number {
  let r = c[0];
  for (let i = 1; i < c.length; i++) r = r * x + c[i];
  return r;
}

/**
 * Φ⁻¹(p), the quantile of N(0, 1): the x with P(Z ≤ x) = p. Acklam's approximation polished by one Halley
 * step on Φ(x) − p: within 2 ulps of mpmath for p ≤ 0.3 and p ≥ 0.7 down to 1e-300 (near p = 1/2, where
 * x is near 0, within 1e-16 absolutely). Upper quantiles are reflected, Φ⁻¹(p) = −Φ⁻¹(1 − p); callers
 * that know 1 − p exactly should pass the lower quantile themselves, so that 1 − p is never rounded.
 *
 * @param p - a probability in [0, 1]; 0 and 1 give −∞ and +∞.
 */
export function normalPpf(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalPpf: p must be a probability in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalPpf(1 - p);
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = hornerDesc(IC, q) / (hornerDesc(ID, q) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = (hornerDesc(IA, r) * q) / (hornerDesc(IB, r) * r + 1);
  }
  if (p < 1e-300) return x; // φ(x) underflows; the approximation is as good as it gets there
  // Halley: e = Φ(x) − p, u = e / φ(x), x ← x − u / (1 + x u / 2).
  const e = normalCdf(x) - p;
  const u = e * Math.exp(0.5 * x * x + LOG_SQRT_2PI);
  return x - u / (1 + 0.5 * x * u);
}
