import { erfc } from './erfc';

/**
 * Φ(x) = P(Z ≤ x) for Z ~ N(0, 1), from erfc on the side where it is small (0.5·erfc(−x/√2) below 0,
 * 1 − 0.5·erfc(x/√2) above), so that the lower tail keeps its relative precision.
 */
export function normalCdf(x: number): number {
  return x < 0 ? 0.5 * erfc(-x * Math.SQRT1_2) : 1 - 0.5 * erfc(x * Math.SQRT1_2);
}
