const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const ONE_OVER_SQRT_PI = 0.5641895835477563; // 1/√π

/**
 * The scaled complementary error function erfcx(x) = e^(x²) erfc(x), finite where erfc underflows:
 * erfcx(x) ~ 1/(x√π) as x → ∞. Relative error below about 1e-13.
 *
 * - 0 <= x < 2: erf(x) = (2/√π) e^(−x²) S(x) with S(x) = Σₖ 2ᵏ x^(2k+1) / (1·3·…·(2k+1)), a series of positive
 *   terms, so erfcx(x) = e^(x²) − (2/√π) S(x) (at most e⁴/erfcx(2) ≈ 200 ulps lost to cancellation).
 * - x >= 2: the continued fraction √π erfcx(x) = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by the modified
 *   Lentz method; for x > 1e8 its first term 1/(x√π) is exact to double precision.
 * - x < 0: erfcx(x) = 2 e^(x²) − erfcx(−x), which overflows to +∞ below x ≈ −26.6.
 */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) {
    if (x < -26.7) return Infinity;
    return 2 * Math.exp(x * x) - erfcx(-x);
  }
  if (x < 2) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let k = 1; k < 100; k++) {
      term *= (2 * x2) / (2 * k + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return Math.exp(x2) - TWO_OVER_SQRT_PI * sum;
  }
  if (x > 1e8) return ONE_OVER_SQRT_PI / x;
  // Lentz: f = b0 + a1/(b1 + a2/(b2 + …)) with b_k = x and a_k = k/2.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 300; k++) {
    const a = k / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    c = x + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return ONE_OVER_SQRT_PI / f;
}
