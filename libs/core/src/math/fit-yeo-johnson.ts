import { yeoJohnson } from './yeo-johnson';

/**
 * The λ of the Yeo–Johnson transform that makes `values` most normal: the maximizer over [lo, hi] of the
 * profile log-likelihood of a normal model of ψ(λ, x),
 *   ℓ(λ) = −(n/2) log σ̂²(λ) + (λ − 1) Σᵢ sign(xᵢ) log(1 + |xᵢ|),
 * where σ̂²(λ) is the variance of the transformed values and the second term is the log-Jacobian. ℓ is
 * unimodal in practice; golden-section search brackets its maximizer to 1e-6.
 *
 * @param values - finite numbers, at least 2 of them distinct
 * @throws RangeError when the values are fewer than 2, not finite, or all equal, or the bracket is empty
 */
export function fitYeoJohnson(values: ArrayLike<number>, lo = -2, hi = 4): number {
  const n = values.length;
  if (n < 2) throw new RangeError(`fitYeoJohnson: needs at least 2 values, got ${n}`);
  if (!(lo < hi)) throw new RangeError(`fitYeoJohnson: the bracket [${lo}, ${hi}] is empty`);
  let jacobian = 0;
  let distinct = false;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) throw new RangeError(`fitYeoJohnson: values[${i}] must be finite, got ${x}`);
    jacobian += Math.sign(x) * Math.log1p(Math.abs(x));
    if (x !== values[0]) distinct = true;
  }
  if (!distinct) throw new RangeError('fitYeoJohnson: the values are all equal, so every λ fits them');
  const t = new Float64Array(n);
  const logLikelihood = (lambda: number): number => {
    let mean = 0;
    for (let i = 0; i < n; i++) {
      t[i] = yeoJohnson(values[i], lambda);
      mean += t[i] / n;
    }
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (t[i] - mean) ** 2 / n;
    return -0.5 * n * Math.log(variance) + (lambda - 1) * jacobian;
  };
  const ratio = 0.3819660112501051; // 2 − φ
  let a = lo;
  let b = hi;
  let c = a + ratio * (b - a);
  let d = b - ratio * (b - a);
  let fc = logLikelihood(c);
  let fd = logLikelihood(d);
  while (b - a > 1e-6) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = a + ratio * (b - a);
      fc = logLikelihood(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = b - ratio * (b - a);
      fd = logLikelihood(d);
    }
  }
  return 0.5 * (a + b);
}
