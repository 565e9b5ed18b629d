import { cholesky } from '../../math/cholesky';
import { choleskyInverse } from '../../math/cholesky-inverse';
import { solveLower, solveLowerTransposed } from '../../math/triangular-solve';
import { coordinateDistance2, type KernelParams } from './kernel-params';
import { matern52Into } from './matern52';

const LOG_2PI = Math.log(2 * Math.PI);
// Gamma(3, 6) on each length scale ℓ (mode 1/3, mean 1/2 of the unit cube).
const LENGTHSCALE_SHAPE = 3;
const LENGTHSCALE_RATE = 6;

/**
 * The negative log posterior of the kernel hyper-parameters, −log p(y | θ) − log p(θ), and its gradient, as a
 * function of the raw (log-transformed, unconstrained) parameters
 *   raw = [log ρ₁ … log ρ_d, log scale, log(noise − minNoise)]
 * so that every parameter stays positive and the noise above its floor.
 *
 * Likelihood, with C = K + noise·I = L Lᵀ and α = C⁻¹ y:
 *   −log p(y | θ) = ½ yᵀα + Σᵢ log Lᵢᵢ + (n/2) log 2π,
 *   ∂/∂θ = −½ tr((ααᵀ − C⁻¹) ∂C/∂θ), with
 *   ∂C_ab/∂log ρⱼ = scale · M′(r²_ab) · ρⱼ d²_abj,   ∂C/∂log scale = K,   ∂C/∂raw_noise = (noise − minNoise) I.
 * Priors, up to constants: Gamma(3, 6) on each length scale ℓⱼ = ρⱼ^(−1/2) (mode 1/3: a function that varies
 * within the box, rather than the reference's ℓ ≈ 1, which smooths two basins of one coordinate into one),
 * Gamma(2, 1) on the scale and Gamma(1.1, 30) on the noise (favouring small noise), as the reference's:
 *   −log p(θ) = Σⱼ (−2 log ℓⱼ + 6ℓⱼ) − (log scale − scale) − (0.1 log noise − 30 noise),
 * and with ℓⱼ = e^(−raw_j/2): ∂(−2 log ℓⱼ + 6ℓⱼ)/∂raw_j = 1 − 3ℓⱼ.
 *
 * Pairwise squared distances per coordinate are computed once, so each evaluation costs the kernel matrix,
 * its Cholesky factor and inverse (≈ n³/2 multiply-adds) and n²d/2 for the gradient.
 */
export class KernelLoss {
  readonly n: number;
  readonly dim: number;
  /** d²_abj for a > b, pair p = a(a−1)/2 + b, row-major by pair. */
  private readonly d2: Float64Array;
  private readonly c: Float64Array;
  private readonly inv: Float64Array;
  private readonly kValue: Float64Array;
  private readonly kSlope: Float64Array;
  private readonly rho: Float64Array;
  private readonly gr: Float64Array;

  constructor(
    x: Float64Array,
    private readonly y: Float64Array,
    isCategorical: Uint8Array,
    private readonly minNoise: number,
    private readonly deterministic: boolean,
  ) {
    const n = y.length;
    const dim = isCategorical.length;
    if (x.length !== n * dim)
      throw new RangeError(`KernelLoss: x must hold n × dim = ${n} × ${dim} entries, got ${x.length}`);
    this.n = n;
    this.dim = dim;
    const pairs = (n * (n - 1)) / 2;
    this.d2 = new Float64Array(pairs * dim);
    let p = 0;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < a; b++, p++) {
        for (let j = 0; j < dim; j++)
          this.d2[p * dim + j] = coordinateDistance2(x[a * dim + j], x[b * dim + j], isCategorical[j]);
      }
    }
    this.c = new Float64Array(n * n);
    this.inv = new Float64Array(n * n);
    this.kValue = new Float64Array(pairs);
    this.kSlope = new Float64Array(pairs);
    this.rho = new Float64Array(dim);
    this.gr = new Float64Array(dim);
  }

  /** Number of raw parameters: one per coordinate, the scale, the noise. */
  get size(): number {
    return this.dim + 2;
  }

  /** The parameters a raw vector stands for. */
  params(raw: ArrayLike<number>): KernelParams {
    const d = this.dim;
    return {
      inverseSquaredLengthscales: Float64Array.from({ length: d }, (_, j) => Math.exp(raw[j])),
      scale: Math.exp(raw[d]),
      noise: this.deterministic ? this.minNoise : this.minNoise + Math.exp(raw[d + 1]),
    };
  }

  /** The raw vector of `params` (the noise kept a hair above the floor, so that its log is finite). */
  raw(params: KernelParams): Float64Array {
    const d = this.dim;
    const raw = new Float64Array(d + 2);
    for (let j = 0; j < d; j++) raw[j] = Math.log(params.inverseSquaredLengthscales[j]);
    raw[d] = Math.log(params.scale);
    raw[d + 1] = Math.log(Math.max(params.noise - this.minNoise, 0.01 * this.minNoise));
    return raw;
  }

  /** The loss at `raw`, with its gradient written into `grad`; +Infinity when C cannot be factored. */
  readonly evaluate = (raw: Float64Array, grad: Float64Array): number => {
    const { n, dim, d2, c, kValue, kSlope, y, rho, gr } = this;
    for (let j = 0; j < dim; j++) rho[j] = Math.exp(raw[j]);
    const scale = Math.exp(raw[dim]);
    const noiseExcess = this.deterministic ? 0 : Math.exp(raw[dim + 1]);
    const noise = this.minNoise + noiseExcess;
    const pairs = kValue.length;
    for (let p = 0; p < pairs; p++) {
      let r2 = 0;
      const off = p * dim;
      for (let j = 0; j < dim; j++) r2 += rho[j] * d2[off + j];
      kValue[p] = r2;
    }
    matern52Into(kValue, pairs, kValue, kSlope);
    let p = 0;
    for (let a = 0; a < n; a++) {
      const ra = a * n;
      for (let b = 0; b < a; b++, p++) {
        kValue[p] *= scale;
        kSlope[p] *= scale;
        c[ra + b] = kValue[p];
      }
      c[ra + a] = scale + noise;
    }
    let l: Float64Array;
    try {
      l = cholesky(c, n, { out: c, maxJitterTries: 3 }).l;
    } catch {
      grad.fill(0);
      return Infinity;
    }
    const alpha = solveLowerTransposed(l, n, solveLower(l, n, y));
    let loss = 0.5 * n * LOG_2PI;
    for (let i = 0; i < n; i++) loss += 0.5 * y[i] * alpha[i] + Math.log(l[i * n + i]);
    const inv = choleskyInverse(l, n, this.inv);
    // W = ααᵀ − C⁻¹; the loss gradient is −½ Σ_ab W_ab ∂C_ab/∂θ (off-diagonal pairs counted twice).
    gr.fill(0);
    let gScale = 0;
    let traceW = 0;
    p = 0;
    for (let a = 0; a < n; a++) {
      const ra = a * n;
      const wDiag = alpha[a] * alpha[a] - inv[ra + a];
      traceW += wDiag;
      gScale += 0.5 * wDiag * scale;
      for (let b = 0; b < a; b++, p++) {
        const w = alpha[a] * alpha[b] - inv[ra + b];
        gScale += w * kValue[p];
        const ws = w * kSlope[p];
        const off = p * dim;
        for (let j = 0; j < dim; j++) gr[j] += ws * d2[off + j];
      }
    }
    for (let j = 0; j < dim; j++) grad[j] = -gr[j] * rho[j];
    grad[dim] = -gScale;
    grad[dim + 1] = this.deterministic ? 0 : -0.5 * traceW * noiseExcess;
    // − log prior, and its gradient with respect to the raw parameters.
    for (let j = 0; j < dim; j++) {
      const ell = 1 / Math.sqrt(rho[j]);
      loss += -(LENGTHSCALE_SHAPE - 1) * Math.log(ell) + LENGTHSCALE_RATE * ell;
      grad[j] += 0.5 * (LENGTHSCALE_SHAPE - 1) - 0.5 * LENGTHSCALE_RATE * ell;
    }
    loss -= Math.log(scale) - scale; // Gamma(2, 1): (2 − 1) log s − s
    grad[dim] -= 1 - scale;
    loss -= 0.1 * Math.log(noise) - 30 * noise; // Gamma(1.1, 30): 0.1 log σ² − 30σ²
    if (!this.deterministic) grad[dim + 1] -= (0.1 / noise - 30) * noiseExcess;
    return loss;
  };
}
