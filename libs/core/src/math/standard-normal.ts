/**
 * The standard normal distribution N(0, 1) to double precision: erf/erfc (the rational approximations
 * of fdlibm's s_erf.c, Sun Microsystems 1993, freely distributable), the CDF Φ (`ndtr`), its logarithm
 * with a tail expansion (`logNdtr`), the log mass of an interval (`logGaussMass`) and the inverse Φ⁻¹
 * (`ndtri`). Plain functions over doubles; no allocation. The TPE's Parzen estimators use them.
 *
 * `erfc.ts`, `normal-cdf.ts` and `normal-ppf.ts` compute erfc, Φ and Φ⁻¹ by other formulas (series and
 * continued fraction), for CMA-ES and the GP. The two agree to about 1e-15 but not to the last bit, and
 * seeded trials depend on the last bit: merging them changes the trials of a seed of either TPE or
 * CMA-ES/GP, so it waits for a release that may change seeded output.
 */

const SQRT1_2 = Math.SQRT1_2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

// erf on [0, 0.84375]: erf(x) = x + x * P(x²)/Q(x²).
const EFX = 1.28379167095512586316e-1;
const PP = [
  1.28379167095512558561e-1, -3.2504210724700149937e-1, -2.84817495755985104766e-2,
  -5.77027029648944159157e-3, -2.37630166566501626084e-5,
];
const QQ = [
  3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4,
  -3.9602282787753681232e-6,
];
// erf on [0.84375, 1.25]: erf(x) = erx + P(s)/Q(s), s = |x| - 1.
const ERX = 8.45062911510467529297e-1;
const PA = [
  -2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1,
  3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.166375594868790843e-3,
];
const QA = [
  1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1,
  1.36370839120290507362e-2, 1.1984499846799107417e-2,
];
// erfc on [1.25, 1/0.35]: erfc(x) = exp(-x² - 0.5625 + R(1/x²)/S(1/x²)) / x.
const RA = [
  -9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1,
  -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1,
  -9.81432934416914548592,
];
const SA = [
  1.96512716674392571292e1, 1.376577541435190426e2, 4.34565877475229228821e2, 6.45387271733267880336e2,
  4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2,
];
// erfc on [1/0.35, 28].
const RB = [
  -9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1,
  -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2,
];
const SB = [
  3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3,
  2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1,
];

/** c[0] + c[1] x + ... (Horner). */
function poly(c: readonly number[], x: number): number {
  let r = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) r = r * x + c[i];
  return r;
}

/** 1 + c[0] x + c[1] x² + ... */
function poly1(c: readonly number[], x: number): number {
  return 1 + x * poly(c, x);
}

/** erfc(x) for x >= 1.25, where the tail formulas hold. */
function erfcTail(a: number): number {
  if (a >= 28) return 0;
  const s = 1 / (a * a);
  const r = a < 1 / 0.35 ? poly(RA, s) / poly1(SA, s) : poly(RB, s) / poly1(SB, s);
  return Math.exp(-a * a - 0.5625 + r) / a;
}

/** The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 0.84375) {
    if (a < 2 ** -28) return x + EFX * x;
    const z = x * x;
    return x + x * (poly(PP, z) / poly1(QQ, z));
  }
  const sign = x < 0 ? -1 : 1;
  if (a < 1.25) return sign * (ERX + poly(PA, a - 1) / poly1(QA, a - 1));
  if (a >= 6) return sign;
  return sign * (1 - erfcTail(a));
}

/** The complementary error function erfc(x) = 1 - erf(x), accurate in the right tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 0.84375) {
    if (a < 2 ** -56) return 1 - x;
    const z = x * x;
    const y = x + x * (poly(PP, z) / poly1(QQ, z));
    return 1 - y;
  }
  if (a < 1.25) {
    const pq = poly(PA, a - 1) / poly1(QA, a - 1);
    return x > 0 ? 1 - ERX - pq : 1 + ERX + pq;
  }
  return x > 0 ? erfcTail(a) : 2 - erfcTail(a);
}

/** Φ(z), the standard normal CDF; accurate (relative) in the left tail. */
export function ndtr(z: number): number {
  return z < 0 ? 0.5 * erfc(-z * SQRT1_2) : 1 - 0.5 * erfc(z * SQRT1_2);
}

/**
 * log Φ(z), finite far into the left tail: for z < -20, Φ(z) = φ(z)/(-z) · (1 - 1/z² + 3/z⁴ - ...)
 * (the asymptotic series, summed while its terms shrink).
 */
export function logNdtr(z: number): number {
  if (z > 0) return Math.log1p(-0.5 * erfc(z * SQRT1_2));
  if (z > -20) return Math.log(ndtr(z));
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
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/** log(e^p - e^q) for p >= q. */
function logDiffExp(p: number, q: number): number {
  if (q === -Infinity) return p;
  return p + Math.log1p(-Math.exp(q - p));
}

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

function hornerDesc(c: readonly number[], x: number): number {
  let r = c[0];
  for (let i = 1; i < c.length; i++) r = r * x + c[i];
  return r;
}

/**
 * Φ⁻¹(p), the standard normal quantile, for 0 <= p <= 1/2 at full precision (±Infinity at the ends).
 * Callers reflect upper quantiles themselves (Φ⁻¹(p) = -Φ⁻¹(1 - p)) so that 1 - p is never rounded.
 */
export function ndtri(p: number): number {
  if (!(p > 0)) return p === 0 ? -Infinity : NaN;
  if (p >= 1) return p === 1 ? Infinity : NaN;
  if (p > 0.5) return -ndtri(1 - p);
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
  // Halley: e = Φ(x) - p, u = e / φ(x), x ← x - u / (1 + x u / 2).
  const e = ndtr(x) - p;
  const u = e * Math.exp(0.5 * x * x + LOG_SQRT_2PI);
  return x - u / (1 + 0.5 * x * u);
}
