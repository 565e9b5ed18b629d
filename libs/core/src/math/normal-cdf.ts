import { erfc } from './erfc';

/** Φ(x) = P(Z ≤ x) for Z ~ N(0, 1), computed as erfc(−x/√2)/2 so that the lower tail keeps its precision. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}
