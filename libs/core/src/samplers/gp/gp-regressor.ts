import { cholesky } from '../../math/cholesky';
import { solveLower, solveLowerTransposed } from '../../math/triangular-solve';
import { coordinateDistance2, type KernelParams } from './kernel-params';
import { matern52, matern52Into } from './matern52';

/**
 * A Gaussian-process posterior for fixed hyper-parameters: with C = K(X, X) + σ²I = L Lᵀ and α = C⁻¹ y,
 *   mean(x) = k(x)ᵀ α,   var(x) = k(x, x) − k(x)ᵀ C⁻¹ k(x) = scale − ‖L⁻¹ k(x)‖²,
 * where k(x) = K(X, x). Points are rows of the normalized space (see GpInputEncoding).
 *
 * Pending points (trials still running, or planned earlier in a batch) join X as "kriging believer"
 * observations: each is believed to return the posterior mean at its place. Conditioning on a value equal
 * to its own conditional expectation leaves the mean unchanged everywhere — C′ [α; 0] = [y; K(Xₚ, X) α] —
 * so α is padded with zeros, while the variance, which does not depend on the values, shrinks around the
 * pending points. That is what spreads a batch out: EI near a point already being evaluated falls to ~0.
 * The factor of C′ extends that of C row by row (Cholesky–Banachiewicz), without refitting the kernel.
 * Pending points are believed exactly (noise PENDING_NOISE, not the fitted noise): with a noisy fit, a noisy
 * belief would barely lower the variance where the point is being evaluated, and a batch would pile up there.
 */
/** The noise variance of a pending point's believed value: next to none, so that C′ stays factorable. */
const PENDING_NOISE = 1e-6;

export class GpRegressor {
  /** Training points, the pending ones included. */
  readonly n: number;
  /** Observed points: the first `nObserved` rows of X. */
  readonly nObserved: number;
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

  private readonly x: Float64Array;

  /**
   * @param observed - the training points with a value, row-major (y.length × dim)
   * @param y - their (standardized) values
   * @param pending - points being evaluated, without a value yet, row-major (see the class comment)
   * @throws RangeError when the sizes disagree or C cannot be factored even with jitter
   */
  constructor(
    observed: Float64Array,
    y: Float64Array,
    private readonly isCategorical: Uint8Array,
    readonly params: KernelParams,
    pending: Float64Array = new Float64Array(0),
    pendingValues: Float64Array | null = null,
  ) {
    const nObserved = y.length;
    const dim = isCategorical.length;
    if (observed.length !== nObserved * dim) {
      throw new RangeError(
        `GpRegressor: x must hold n × dim = ${nObserved} × ${dim} entries, got ${observed.length}`,
      );
    }
    if (dim > 0 ? pending.length % dim !== 0 : pending.length !== 0) {
      throw new RangeError(`GpRegressor: pending points must hold a multiple of dim = ${dim} entries`);
    }
    const n = nObserved + (dim > 0 ? pending.length / dim : 0);
    const x = new Float64Array(n * dim);
    x.set(observed);
    x.set(pending, observed.length);
    this.x = x;
    this.nObserved = nObserved;
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
      c[a * n + a] = params.scale + (a < nObserved ? params.noise : PENDING_NOISE);
      for (let b = 0; b < a; b++) c[a * n + b] = this.kernel(x, a * dim, b * dim);
    }
    this.l = cholesky(c, n, { out: c }).l;
    this.alpha = new Float64Array(n);
    if (n === nObserved) solveLowerTransposed(this.l, n, solveLower(this.l, n, y), this.alpha);
    else if (pendingValues) {
      const yy = new Float64Array(n);
      yy.set(y);
      yy.set(pendingValues, nObserved);
      solveLowerTransposed(this.l, n, solveLower(this.l, n, yy), this.alpha);
    } else observedWeights(this.l, n, nObserved, y, this.alpha);
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

  /** Pending points (the last rows of X). */
  get nPending(): number {
    return this.n - this.nObserved;
  }

  /**
   * Posterior means and variances at `count` points (rows of `points`), into `mean` and `variance`. With
   * `tail`, also the last nPending entries of L⁻¹ k(x) per point (count × nPending, row-major): how the
   * point's value co-varies with the pending ones' (see QLogEiAcquisition).
   */
  predict(
    points: Float64Array,
    count: number,
    mean: Float64Array,
    variance: Float64Array,
    tail?: Float64Array,
  ): void {
    const { n, alpha, scale, l, nObserved } = this;
    const np = n - nObserved;
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
      if (tail && np > 0) {
        for (let q = 0; q < m; q++) {
          const kq = this.blocks[q];
          for (let i = 0; i < np; i++) tail[(p0 + q) * np + i] = kq[nObserved + i];
        }
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
    tail?: Float64Array,
  ): void {
    const { n, dim, x, k, v, c, alpha, rho, isCategorical, scale, nObserved } = this;
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
    if (tail) for (let i = nObserved; i < n; i++) tail[i - nObserved] = v[i];
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

  /**
   * The lower-triangular factor Lₚ (nPending × nPending, row-major) of the pending points' covariance given
   * the observed ones: Lₚ Lₚᵀ = Σₚₚ + PENDING_NOISE·I, the bottom-right block of L.
   */
  pendingFactor(): Float64Array {
    const { n, nObserved, l } = this;
    const np = n - nObserved;
    const out = new Float64Array(np * np);
    for (let i = 0; i < np; i++)
      for (let j = 0; j <= i; j++) out[i * np + j] = l[(nObserved + i) * n + nObserved + j];
    return out;
  }

  /**
   * Adds ∇ₓ (t(x) · ẑ) to `grad`, where t(x) is the `tail` of the last predictWithGradient call — which must
   * have been at this same point. With t = the last rows of L⁻¹ k(x): t · ẑ = k(x) · L⁻ᵀ [0; ẑ], so its
   * gradient is Σₐ dₐ ∂kₐ/∂xⱼ with d = L⁻ᵀ [0; ẑ] (one back substitution, no solve per coordinate).
   */
  addTailGradient(point: Float64Array, zHat: Float64Array, grad: Float64Array): void {
    const { n, dim, x, c, rho, isCategorical, nObserved } = this;
    const d = new Float64Array(n);
    for (let i = nObserved; i < n; i++) d[i] = zHat[i - nObserved];
    solveLowerTransposed(this.l, n, d, d);
    for (let a = 0; a < n; a++) {
      const ad = d[a] * c[a];
      if (ad === 0) continue;
      const row = a * dim;
      for (let j = 0; j < dim; j++) {
        if (isCategorical[j]) continue;
        grad[j] += ad * 2 * rho[j] * (point[j] - x[row + j]);
      }
    }
  }
}

/**
 * α = C⁻¹ y for the observed block only (the leading nObserved rows of the factor L of stride n, which is the
 * factor of the observed points' C: row i of L depends on rows ≤ i alone); the pending entries stay 0.
 */
function observedWeights(
  l: Float64Array,
  n: number,
  nObserved: number,
  y: Float64Array,
  out: Float64Array,
): void {
  const z = new Float64Array(nObserved);
  for (let i = 0; i < nObserved; i++) {
    let s = y[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * z[k];
    z[i] = s / l[i * n + i];
  }
  for (let i = nObserved - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < nObserved; k++) s -= l[k * n + i] * out[k];
    out[i] = s / l[i * n + i];
  }
}
