/**
 * A⁻¹ from the Cholesky factor of A = L Lᵀ (row-major lower-triangular n×n L): A⁻¹ = L⁻ᵀ L⁻¹.
 *
 * With T = L⁻ᵀ (upper triangular, kept row-major so that every inner loop is a contiguous dot product):
 *   T_ii = 1/L_ii,   T_ji = −(Σ_{j≤k<i} L_ik T_jk) / L_ii   (j < i, from L L⁻¹ = I),
 *   (A⁻¹)_ij = Σ_{k≥i} T_ik T_jk   (i ≥ j).
 * About n³/3 multiply-adds in all. The result is the full symmetric matrix, row-major.
 */
export function choleskyInverse(
  l: Float64Array,
  n: number,
  out: Float64Array = new Float64Array(n * n),
): Float64Array {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`choleskyInverse: n must be an integer >= 0, got ${n}`);
  if (l.length !== n * n) {
    throw new RangeError(`choleskyInverse: L must hold n × n = ${n * n} entries, got ${l.length}`);
  }
  if (out.length !== n * n || out === l) {
    throw new RangeError(`choleskyInverse: out must be a separate array of n × n = ${n * n} entries`);
  }
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const inv = 1 / l[ri + i];
    t[ri + i] = inv;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      let s0 = 0;
      let s1 = 0;
      let k = j;
      // Two accumulators: independent chains of additions run in parallel.
      for (; k + 1 < i; k += 2) {
        s0 += l[ri + k] * t[rj + k];
        s1 += l[ri + k + 1] * t[rj + k + 1];
      }
      if (k < i) s0 += l[ri + k] * t[rj + k];
      t[rj + i] = -(s0 + s1) * inv;
    }
  }
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = i;
      for (; k + 3 < n; k += 4) {
        s0 += t[ri + k] * t[rj + k];
        s1 += t[ri + k + 1] * t[rj + k + 1];
        s2 += t[ri + k + 2] * t[rj + k + 2];
        s3 += t[ri + k + 3] * t[rj + k + 3];
      }
      for (; k < n; k++) s0 += t[ri + k] * t[rj + k];
      const v = s0 + s1 + (s2 + s3);
      out[ri + j] = v;
      out[rj + i] = v;
    }
  }
  return out;
}
