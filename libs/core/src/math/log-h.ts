import { erfcx } from './erfcx';

const LOG_SQRT_2PI = 0.9189385332046728; // log √(2π)
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SQRT_HALF_PI = 1.2533141373155003; // √(π/2)
// Below z = −TAIL the closed form 1 − t R(t) cancels by more than ~30 ulps: the continued fraction takes over.
const TAIL = 5;

/**
 * log h(z), where h(z) = φ(z) + z Φ(z) = E[max(0, z + Z)] for Z ~ N(0, 1) is the expected improvement of a
 * standard normal over −z (so log EI(μ, σ; f*) = log σ + log h((μ − f*)/σ)). Accurate to a few ulps for
 * every z — in particular far in the left tail, where h(z) underflows long before log h(z) does
 * (Ament et al. 2023, "Unexpected Improvements to Expected Improvement", eq. 9, here with our own tail).
 *
 * With t = −z > 0 and R(t) = Φ(−t)/φ(t) = √(π/2) erfcx(t/√2) (the Mills ratio):
 *   h(−t) = φ(t) (1 − t R(t)).
 * - z >= −1: log(z Φ(z) + φ(z)) directly (the two terms do not cancel much).
 * - −5 < z < −1: log φ(t) + log(1 − t R(t)).
 * - z <= −5: Laplace's continued fraction R(t) = 1/(t + r), r = 1/(t + 2/(t + 3/(t + …))), gives
 *   1 − t R = r R without cancellation, so log h = log φ(t) + log r − log(t + r).
 *
 * When `dz` is given, dz[0] receives d log h / dz = Φ(z)/h(z) (since h′ = Φ), which is 1/r in the tail.
 */
export function logH(z: number, dz?: Float64Array): number {
  if (Number.isNaN(z)) {
    if (dz) dz[0] = NaN;
    return NaN;
  }
  if (z >= -1) {
    // Φ(z) from erfcx keeps full precision on both sides of 0.
    const e = Math.exp(-0.5 * z * z);
    const cdf = z >= 0 ? 1 - 0.5 * e * erfcx(z * Math.SQRT1_2) : 0.5 * e * erfcx(-z * Math.SQRT1_2);
    const h = z * cdf + INV_SQRT_2PI * e;
    if (dz) dz[0] = cdf / h;
    return Math.log(h);
  }
  const t = -z;
  if (t < TAIL) {
    const mills = SQRT_HALF_PI * erfcx(t * Math.SQRT1_2);
    const q = 1 - t * mills;
    if (dz) dz[0] = mills / q;
    return -0.5 * t * t - LOG_SQRT_2PI + Math.log(q);
  }
  if (t === Infinity) {
    if (dz) dz[0] = Infinity;
    return -Infinity;
  }
  const r = 1 / millsTail(t);
  if (dz) dz[0] = 1 / r;
  return -0.5 * t * t - LOG_SQRT_2PI + Math.log(r) - Math.log(t + r);
}

/** t + 2/(t + 3/(t + 4/(t + …))) by the modified Lentz method (t >= 5, where it converges fast). */
function millsTail(t: number): number {
  if (t > 1e8) return t; // 2/t is below half an ulp of t
  const tiny = 1e-300;
  let f = t;
  let c = t;
  let d = 0;
  for (let k = 2; k < 500; k++) {
    d = t + k * d;
    if (d === 0) d = tiny;
    c = t + k / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}
