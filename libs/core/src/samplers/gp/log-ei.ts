import { logH } from '../../math/log-h';

const dz = new Float64Array(1);

/**
 * log EI(x) = log E[max(0, f(x) − f*)] for f(x) ~ N(mean, variance): with σ = √variance and
 * z = (mean − f*)/σ, EI = σ h(z), so log EI = log σ + log h(z) (log h is accurate far in the tail, where EI
 * itself underflows: the acquisition keeps a usable gradient even where improvement is hopeless).
 *
 * When `partials` is given, partials[0] = ∂/∂mean = g/σ and partials[1] = ∂/∂variance = (1 − g z)/(2σ²),
 * with g = d log h/dz.
 *
 * @param variance - must be > 0 (callers add a tiny stabilizing term to the posterior variance)
 */
export function logEi(mean: number, variance: number, threshold: number, partials?: Float64Array): number {
  const sigma = Math.sqrt(variance);
  const z = (mean - threshold) / sigma;
  const value = Math.log(sigma) + logH(z, partials ? dz : undefined);
  if (partials) {
    const g = dz[0];
    partials[0] = g / sigma;
    partials[1] = (1 - g * z) / (2 * variance);
  }
  return value;
}
