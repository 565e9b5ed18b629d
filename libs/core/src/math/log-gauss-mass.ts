import { erfc } from './erfc';
import { normalCdf } from './normal-cdf';

/**
 * The log mass of an interval under N(0, 1) and the log density, for the TPE's Parzen estimators, which
 * compare kernels whose mass lies far in a tail: log Φ(z) by the asymptotic series below z = −20 keeps it
 * finite where Φ(z) underflows. (log-normal-cdf.ts, the GP's log Φ with its derivative, goes through erfcx
 * instead: within 1 ulp of mpmath below z = −5, this within 3, but up to 163 ulps on [−5, −1], where this
 * stays within 3.)
 */

const SQRT1_2 = Math.SQRT1_2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log Φ(z), finite far into the left tail: for z < -20, Φ(z) = φ(z)/(-z) · (1 - 1/z² + 3/z⁴ - ...)
 * (the asymptotic series, summed while its terms shrink).
 */
function logNdtr(z: number): number {
  if (z > 0) return Math.log1p(-0.5 * erfc(z * SQRT1_2));
  if (z > -20) return Math.log(normalCdf(z));
  const inv2 = 1 / (z * z);
  let sum = 1;
  let term = 1;
  for (let i = 1; i < 50; i++) {
    const next = -term * (2 * i - 1) * inv2;
    if (Math.abs(next) >= Math.abs(term)) break;
    term = next;
    sum += term;
    if (Math.abs(term) < 1e-17) break;
  }
  return -0.5 * z * z - Math.log(-z) - LOG_SQRT_2PI + Math.log(sum);
}

/** log φ(z) of the standard normal density. */
export function logPhi(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/**
 * log(Φ(b) - Φ(a)) for a <= b, the log mass of [a, b] under N(0, 1), accurate in both tails
 * (computed in the left tail, by symmetry, whenever the interval lies on one side of 0).
 */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiffExp(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiffExp(logNdtr(-a), logNdtr(-b));
  // Straddles 0: 1 - Φ(a) - Φ(-b), both terms <= 1/2, no cancellation.
  return Math.log1p(-normalCdf(a) - normalCdf(-b));
}

/** log(e^p - e^q) for p >= q. */
function logDiffExp(p: number, q: number): number {
  if (q === -Infinity) return p;
  return p + Math.log1p(-Math.exp(q - p));
}
