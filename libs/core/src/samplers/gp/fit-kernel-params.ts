import { lbfgsb } from '../../math/lbfgsb';
import type { KernelLoss } from './kernel-loss';
import type { KernelParams } from './kernel-params';

export interface FitKernelParamsOptions {
  /**
   * Where the searches start, best first (e.g. the previous fit, then the defaults); the fit with the lowest
   * loss wins. A start where the kernel matrix cannot be factored is skipped.
   */
  starts: readonly KernelParams[];
  /** Stop a search when the projected gradient of the loss is below this. */
  gtol: number;
  /** Iterations per search. */
  maxIterations: number;
}

// Box of the raw (log) parameters: wide enough that the priors, not the box, decide (the prior's
// 0.1/ρ + 0.1ρ is already 1000 at either end of ρ), narrow enough to keep the kernel matrix well formed.
const LOG_RHO = [Math.log(1e-4), Math.log(1e4)];
const LOG_SCALE = [Math.log(1e-3), Math.log(1e3)];
const LOG_NOISE_EXCESS = [Math.log(1e-10), Math.log(10)];

/**
 * Where a fit without a previous one starts: the reference's defaults (unit length scales, scale and noise on
 * standardized values) and a wiggly, nearly noiseless alternative (ℓ = 0.3, noise 0.01), since the loss may
 * have a mode near each.
 */
export function coldStarts(dim: number): KernelParams[] {
  return [
    { inverseSquaredLengthscales: new Float64Array(dim).fill(1), scale: 1, noise: 1 },
    { inverseSquaredLengthscales: new Float64Array(dim).fill(1 / 0.09), scale: 1, noise: 0.01 },
  ];
}

/**
 * The maximum a posteriori kernel parameters: L-BFGS-B on the raw parameters of `loss` from each start, in
 * the box above; the lowest loss wins. Falls back to the first start when every search fails.
 */
export function fitKernelParams(loss: KernelLoss, options: FitKernelParamsOptions): KernelParams {
  const d = loss.dim;
  const lower = new Float64Array(d + 2);
  const upper = new Float64Array(d + 2);
  for (let j = 0; j < d; j++) {
    lower[j] = LOG_RHO[0];
    upper[j] = LOG_RHO[1];
  }
  [lower[d], upper[d]] = LOG_SCALE;
  [lower[d + 1], upper[d + 1]] = LOG_NOISE_EXCESS;
  let best: { f: number; x: Float64Array } | null = null;
  for (const start of options.starts) {
    const x0 = loss.raw(start);
    let result;
    try {
      result = lbfgsb(loss.evaluate, x0, {
        lower,
        upper,
        pgtol: options.gtol,
        maxIterations: options.maxIterations,
      });
    } catch {
      continue; // not finite at this start
    }
    if (Number.isFinite(result.f) && (best === null || result.f < best.f))
      best = { f: result.f, x: result.x };
  }
  if (best === null) return options.starts[0];
  return loss.params(best.x);
}
