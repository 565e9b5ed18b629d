import { normalCdf } from './normal-cdf';

const SQRT_2PI = 2.5066282746310002;

/**
 * Φ⁻¹(p), the quantile of N(0, 1): the x with P(Z ≤ x) = p. Starts from Abramowitz & Stegun 26.2.23
 * (error < 4.5e-4) and polishes with Halley steps on Φ(x) − p, to about 1e-14.
 *
 * @param p - a probability in [0, 1]; 0 and 1 give −∞ and +∞.
 */
export function normalPpf(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalPpf: p must be a probability in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p > 0.5) return -normalPpf(1 - p);
  // A&S 26.2.23 for the lower tail: t = √(−2 ln p), x ≈ −(t − (c0 + c1 t + c2 t²)/(1 + d1 t + d2 t² + d3 t³)).
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(
    t -
    (2.515517 + 0.802853 * t + 0.010328 * t * t) /
      (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t)
  );
  for (let i = 0; i < 4; i++) {
    // Halley: e = Φ(x) − p, u = e / φ(x), x ← x − u / (1 + x u / 2).
    const e = normalCdf(x) - p;
    const u = e * SQRT_2PI * Math.exp((x * x) / 2);
    const next = x - u / (1 + (x * u) / 2);
    if (!Number.isFinite(next)) break;
    if (Math.abs(next - x) <= 1e-15 * Math.max(1, Math.abs(x))) {
      x = next;
      break;
    }
    x = next;
  }
  return x;
}
