import { cholesky } from '../../math/cholesky';
import { solveLower, solveLowerTransposed } from '../../math/triangular-solve';
import { coordinateDistance2, type KernelParams } from './kernel-params';
import { matern52, matern52Into } from './matern52';

/**
 * A Gaussian-process posterior for fixed hyper-parameters: with C = K(X, X) + σ²I = L Lᵀ and α = C⁻¹ y,
 *   mean(x) = k(x)ᵀ α,   var(x) = k(x, x) − k(x)ᵀ C⁻¹ k(x) = scale − ‖L⁻¹ k(x)‖²,
 * where k(x) = K(X, x). Points are rows of the normalized space (see GpSearchSpace).
 */
export class GpRegressor {
  readonly n: number;
  readonly dim: number;
  private readonly l: Float64Array;
  private readonly alpha: Float64Array;
  private readonly rho: Float64Array;
  private readonly scale: number;
  private readonly k: Float64Array;
  private readonly v: Float64Array;
  private readonly c: Float64Array;
  private readonly blocks: Float64Array[];
  /** Training points with each numeric coordinate multiplied by √ρⱼ (categorical ones as they are). */
  private readonly xs: Float64Array;
  private readonly sqrtRho: Float64Array;
  private readonly numeric: Int32Array;
  private readonly categorical: Int32Array;
  private readonly query: Float64Array;
  private readonly r2Row: Float64Array;
  private readonly kRow: Float64Array;

  /**
   * @param x - the n training points, row-major n × dim
   * @param y - their (standardized) values
   * @throws RangeError when the sizes disagree or C cannot be factored even with jitter
   */
  constructor(
    private readonly x: Float64Array,
    y: Float64Array,
    private readonly isCategorical: Uint8Array,
    readonly params: KernelParams,
  ) {
    const n = y.length;
    const dim = isCategorical.length;
    if (x.length !== n * dim) {
      throw new RangeError(`GpRegressor: x must hold n × dim = ${n} × ${dim} entries, got ${x.length}`);
    }
    if (params.inverseSquaredLengthscales.length !== dim) {
      throw new RangeError(
        `GpRegressor: ${params.inverseSquaredLengthscales.length} length scales for ${dim} coordinates`,
      );
    }
    this.n = n;
    this.dim = dim;
    this.rho = params.inverseSquaredLengthscales;
    this.scale = params.scale;
    const c = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      c[a * n + a] = params.scale + params.noise;
      for (let b = 0; b < a; b++) c[a * n + b] = this.kernel(x, a * dim, b * dim);
    }
    this.l = cholesky(c, n, { out: c }).l;
    this.alpha = solveLowerTransposed(this.l, n, solveLower(this.l, n, y));
    this.k = new Float64Array(n);
    this.v = new Float64Array(n);
    this.c = new Float64Array(n);
    this.blocks = [0, 1, 2, 3].map(() => new Float64Array(n));
    this.sqrtRho = this.rho.map(Math.sqrt);
    this.numeric = Int32Array.from([...Array(dim).keys()].filter((j) => !isCategorical[j]));
    this.categorical = Int32Array.from([...Array(dim).keys()].filter((j) => isCategorical[j]));
    this.xs = Float64Array.from(x, (v, i) => (isCategorical[i % dim] ? v : v * this.sqrtRho[i % dim]));
    this.query = new Float64Array(dim);
    this.r2Row = new Float64Array(n);
    this.kRow = new Float64Array(n);
  }

  /** k(p, q) for rows p[pOff…] and q[qOff…]. */
  private kernel(p: Float64Array, pOff: number, qOff: number, q: Float64Array = p): number {
    let r2 = 0;
    for (let j = 0; j < this.dim; j++)
      r2 += this.rho[j] * coordinateDistance2(p[pOff + j], q[qOff + j], this.isCategorical[j]);
    return this.scale * matern52(r2);
  }

  /** Posterior means and variances at `count` points (rows of `points`), into `mean` and `variance`. */
  predict(points: Float64Array, count: number, mean: Float64Array, variance: Float64Array): void {
    const { n, alpha, scale, l } = this;
    const [k0, k1, k2, k3] = this.blocks;
    // Four points at a time: the forward solve L V = K reads each row of L once for all four.
    for (let p0 = 0; p0 < count; p0 += 4) {
      const m = Math.min(4, count - p0);
      for (let q = 0; q < 4; q++) {
        const kq = this.blocks[q];
        if (q >= m) {
          kq.fill(0);
          continue;
        }
        this.kernelRow(points, (p0 + q) * this.dim, kq, 0);
        let mu = 0;
        for (let a = 0; a < n; a++) mu += kq[a] * alpha[a];
        mean[p0 + q] = mu;
      }
      let v0 = 0;
      let v1 = 0;
      let v2 = 0;
      let v3 = 0;
      for (let i = 0; i < n; i++) {
        const ri = i * n;
        let s0 = k0[i];
        let s1 = k1[i];
        let s2 = k2[i];
        let s3 = k3[i];
        for (let k = 0; k < i; k++) {
          const lik = l[ri + k];
          s0 -= lik * k0[k];
          s1 -= lik * k1[k];
          s2 -= lik * k2[k];
          s3 -= lik * k3[k];
        }
        const inv = 1 / l[ri + i];
        s0 *= inv;
        s1 *= inv;
        s2 *= inv;
        s3 *= inv;
        // The solution overwrites k in place: entries below i are no longer needed as inputs.
        k0[i] = s0;
        k1[i] = s1;
        k2[i] = s2;
        k3[i] = s3;
        v0 += s0 * s0;
        v1 += s1 * s1;
        v2 += s2 * s2;
        v3 += s3 * s3;
      }
      if (m > 0) variance[p0] = Math.max(0, scale - v0);
      if (m > 1) variance[p0 + 1] = Math.max(0, scale - v1);
      if (m > 2) variance[p0 + 2] = Math.max(0, scale - v2);
      if (m > 3) variance[p0 + 3] = Math.max(0, scale - v3);
    }
  }

  /**
   * k(p)ₐ = scale · M(r²ₐ) for every training point a, into out[base…], with
   * r²ₐ = Σ_numeric (√ρⱼ pⱼ − √ρⱼ Xₐⱼ)² + Σ_categorical ρⱼ [pⱼ ≠ Xₐⱼ]; M′(r²ₐ) (unscaled) goes to `slope` when
   * given.
   */
  private kernelRow(
    points: Float64Array,
    off: number,
    out: Float64Array,
    base: number,
    slope?: Float64Array,
  ): void {
    const { n, dim, xs, sqrtRho, rho, numeric, categorical, query, scale, r2Row, kRow } = this;
    const nn = numeric.length;
    const nc = categorical.length;
    for (let t = 0; t < nn; t++) query[t] = points[off + numeric[t]] * sqrtRho[numeric[t]];
    for (let a = 0; a < n; a++) {
      const row = a * dim;
      let r2 = 0;
      for (let t = 0; t < nn; t++) {
        const dlt = query[t] - xs[row + numeric[t]];
        r2 += dlt * dlt;
      }
      for (let t = 0; t < nc; t++) {
        const j = categorical[t];
        if (points[off + j] !== xs[row + j]) r2 += rho[j];
      }
      r2Row[a] = r2;
    }
    matern52Into(r2Row, n, kRow, slope);
    for (let a = 0; a < n; a++) out[base + a] = scale * kRow[a];
  }

  /**
   * Posterior mean and variance at one point (into out[0], out[1]) and their gradients with respect to the
   * point's coordinates (0 for categorical ones). With cₐ = scale · M′(r²ₐ) and w = C⁻¹ k:
   *   ∂mean/∂xⱼ = Σₐ αₐ cₐ · 2ρⱼ (xⱼ − Xₐⱼ),   ∂var/∂xⱼ = −2 Σₐ wₐ cₐ · 2ρⱼ (xⱼ − Xₐⱼ).
   */
  predictWithGradient(
    point: Float64Array,
    out: Float64Array,
    gradMean: Float64Array,
    gradVariance: Float64Array,
  ): void {
    const { n, dim, x, k, v, c, alpha, rho, isCategorical, scale } = this;
    this.kernelRow(point, 0, k, 0, c);
    let m = 0;
    for (let a = 0; a < n; a++) {
      c[a] *= scale;
      m += k[a] * alpha[a];
    }
    solveLower(this.l, n, k, v);
    let vv = 0;
    for (let a = 0; a < n; a++) vv += v[a] * v[a];
    out[0] = m;
    out[1] = Math.max(0, this.scale - vv);
    // w = C⁻¹ k = L⁻ᵀ v, reusing v's storage.
    const w = solveLowerTransposed(this.l, n, v, v);
    gradMean.fill(0);
    gradVariance.fill(0);
    for (let a = 0; a < n; a++) {
      const am = alpha[a] * c[a];
      const av = -2 * w[a] * c[a];
      const row = a * dim;
      for (let j = 0; j < dim; j++) {
        if (isCategorical[j]) continue;
        const dj = 2 * rho[j] * (point[j] - x[row + j]);
        gradMean[j] += am * dj;
        gradVariance[j] += av * dj;
      }
    }
  }
}
