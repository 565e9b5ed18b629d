export interface CholeskyOptions {
  /**
   * Where to write L (n×n, row-major; its upper triangle is set to 0). May be `a` itself.
   * @defaultValue a new Float64Array(n * n)
   */
  out?: Float64Array;
  /**
   * How many times a failed factorization is retried with more jitter on the diagonal (each try adds
   * ten times the previous one, starting at 1e-10 × the mean diagonal). 0 refuses matrices that are not
   * positive definite at once.
   * @defaultValue 6
   */
  maxJitterTries?: number;
}

export interface CholeskyResult {
  /** The lower-triangular factor, row-major: L[i * n + j] for j <= i. */
  l: Float64Array;
  /** What was added to the diagonal so that the factorization succeeded (0 when nothing was needed). */
  jitter: number;
}

/**
 * The Cholesky factorization A = L Lᵀ of a symmetric positive-definite n×n matrix (row-major; only the
 * lower triangle of `a` is read), Cholesky–Banachiewicz order, row by row:
 *
 *   L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj  (j < i),   L_ii = √(A_ii − Σ_{k<i} L_ik²).
 *
 * Kernel matrices of close points are positive definite only up to rounding; when a pivot is not
 * positive, the factorization restarts on A + εI with a growing ε ("jitter"), and says which ε it used.
 *
 * @throws RangeError when the sizes disagree, the matrix has a non-finite entry, or no jitter helps.
 */
export function cholesky(a: Float64Array, n: number, options: CholeskyOptions = {}): CholeskyResult {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`cholesky: n must be an integer >= 0, got ${n}`);
  if (a.length !== n * n) {
    throw new RangeError(`cholesky: the matrix must hold n × n = ${n * n} entries, got ${a.length}`);
  }
  const maxTries = options.maxJitterTries ?? 6;
  if (!Number.isInteger(maxTries) || maxTries < 0) {
    throw new RangeError(`cholesky: maxJitterTries must be an integer >= 0, got ${maxTries}`);
  }
  const out = options.out ?? new Float64Array(n * n);
  if (out.length !== n * n) {
    throw new RangeError(`cholesky: out must hold n × n = ${n * n} entries, got ${out.length}`);
  }
  // The diagonal is kept aside, so that a retry works even when `out` is `a` (in-place factorization).
  const diag = new Float64Array(n);
  let meanDiag = 0;
  for (let i = 0; i < n; i++) {
    diag[i] = a[i * n + i];
    if (!Number.isFinite(diag[i])) {
      throw new RangeError(`cholesky: the matrix has a non-finite diagonal entry ${diag[i]} at ${i}`);
    }
    meanDiag += Math.abs(diag[i]) / n;
  }
  const lower = out === a ? null : a;
  if (lower !== null) {
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out[i * n + j] = lower[i * n + j];
  }
  // In place, a retry needs the original lower triangle: keep a copy only then, and only when needed.
  let saved: Float64Array | null = null;
  let jitter = 0;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      jitter = jitter === 0 ? 1e-10 * (meanDiag > 0 ? meanDiag : 1) : jitter * 10;
      const src = lower ?? saved!;
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[i * n + j] = src[i * n + j];
    }
    if (attempt === 0 && lower === null && maxTries > 0) saved = Float64Array.from(a);
    if (factorInPlace(out, n, diag, jitter)) break;
    if (attempt >= maxTries) {
      throw new RangeError(
        `cholesky: the matrix is not positive definite, even with ${jitter.toExponential(1)} added to its diagonal`,
      );
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[i * n + j] = 0;
  return { l: out, jitter };
}

/** Factors the lower triangle of `m` (diagonal taken from `diag` + jitter); false at a non-positive pivot. */
function factorInPlace(m: Float64Array, n: number, diag: Float64Array, jitter: number): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      // Two accumulators: independent chains of additions run in parallel.
      let s0 = m[ri + j];
      let s1 = 0;
      let k = 0;
      for (; k + 1 < j; k += 2) {
        s0 -= m[ri + k] * m[rj + k];
        s1 -= m[ri + k + 1] * m[rj + k + 1];
      }
      if (k < j) s0 -= m[ri + k] * m[rj + k];
      m[ri + j] = (s0 + s1) / m[rj + j];
    }
    let s = diag[i] + jitter;
    for (let k = 0; k < i; k++) s -= m[ri + k] * m[ri + k];
    if (!(s > 0) || !Number.isFinite(s)) return false;
    m[ri + i] = Math.sqrt(s);
  }
  return true;
}
