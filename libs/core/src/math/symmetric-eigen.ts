/** Eigenvalues and eigenvectors of a real symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues λ_j, in ascending order. */
  values: Float64Array;
  /** Orthonormal eigenvectors, row-major n×n: column j (`vectors[i * n + j]`) belongs to `values[j]`. */
  vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/**
 * Symmetric eigendecomposition A = B diag(λ) Bᵀ by the cyclic Jacobi method: each rotation zeroes one
 * off-diagonal pair, and sweeps repeat until the off-diagonal mass is negligible (quadratic convergence).
 * Accurate to a few ulps of ‖A‖ and plenty fast for the n ≤ a few hundred of CMA-ES.
 *
 * @param a - row-major n×n matrix; only its upper triangle is read and it is not modified.
 * @param n - the order of the matrix.
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`symmetricEigen: n must be an integer >= 1, got ${n}`);
  }
  if (a.length !== n * n) {
    throw new RangeError(`symmetricEigen: a must hold n*n = ${n * n} numbers (row-major), got ${a.length}`);
  }
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = a[i * n + j];
      if (!Number.isFinite(v)) throw new RangeError(`symmetricEigen: a[${i}][${j}] is not finite (${v})`);
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += m[i * n + i] * m[i * n + i];
      for (let j = i + 1; j < n; j++) off += m[i * n + j] * m[i * n + j];
    }
    total += 2 * off;
    // Converged when the off-diagonal mass is at rounding level of the whole matrix.
    if (off === 0 || off <= 1e-30 * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        // Rotation angle θ with cot 2θ = (a_qq − a_pp) / (2 a_pq); t = tan θ, the smaller root.
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        m[p * n + p] = app - t * apq;
        m[q * n + q] = aqq + t * apq;
        m[p * n + q] = 0;
        m[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          if (k !== p && k !== q) {
            const akp = m[k * n + p];
            const akq = m[k * n + q];
            const nkp = c * akp - s * akq;
            const nkq = s * akp + c * akq;
            m[k * n + p] = nkp;
            m[p * n + k] = nkp;
            m[k * n + q] = nkq;
            m[q * n + k] = nkq;
          }
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  // Sort ascending, carrying the eigenvector columns along.
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i] - m[j * n + j]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}
