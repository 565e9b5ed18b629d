import { erfc } from './erfc';
import { erfcx } from './erfcx';

const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)

/**
 * log Φ(z) for the standard normal, accurate far in the lower tail (where Φ(z) underflows): for z < 0,
 * Φ(z) = erfcx(−z/√2) e^(−z²/2) / 2, so log Φ(z) = log(erfcx(−z/√2)/2) − z²/2; for z ≥ 0, log1p of the upper
 * tail. When `dz` is given, dz[0] receives d log Φ/dz = φ(z)/Φ(z) = √(2/π)/erfcx(−z/√2).
 */
export function logNormalCdf(z: number, dz?: Float64Array): number {
  if (Number.isNaN(z)) {
    if (dz) dz[0] = NaN;
    return NaN;
  }
  if (z < 0) {
    const scaled = erfcx(-z / Math.SQRT2);
    if (dz) dz[0] = SQRT_2_OVER_PI / scaled;
    return Math.log(scaled / 2) - (z * z) / 2;
  }
  const upper = 0.5 * erfc(z / Math.SQRT2);
  // For z ≥ 0, erfcx(−z/√2) = 2e^(z²/2)Φ(z) grows fast; the ratio is φ(z)/Φ(z) directly.
  if (dz) dz[0] = Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI) / (1 - upper);
  return Math.log1p(-upper);
}
