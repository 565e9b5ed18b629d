/**
 * Triangular solves with a lower-triangular n×n factor L (row-major, as `cholesky` returns it): the two
 * halves of solving (L Lᵀ) x = b.
 */

function check(name: string, l: Float64Array, n: number, b: Float64Array, out: Float64Array): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name}: n must be an integer >= 0, got ${n}`);
  if (l.length < n * n)
    throw new RangeError(`${name}: L must hold n × n = ${n * n} entries, got ${l.length}`);
  if (b.length < n) throw new RangeError(`${name}: b must hold n = ${n} entries, got ${b.length}`);
  if (out.length < n) throw new RangeError(`${name}: out must hold n = ${n} entries, got ${out.length}`);
}

/**
 * Forward substitution: the x with L x = b, x_i = (b_i − Σ_{k<i} L_ik x_k) / L_ii.
 * `out` may be `b` (in place).
 */
export function solveLower(
  l: Float64Array,
  n: number,
  b: Float64Array,
  out: Float64Array = new Float64Array(n),
): Float64Array {
  check('solveLower', l, n, b, out);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * out[k];
    out[i] = s / l[ri + i];
  }
  return out;
}

/**
 * Back substitution with the transpose: the x with Lᵀ x = b, x_i = (b_i − Σ_{k>i} L_ki x_k) / L_ii.
 * Runs by rows of L (column-oriented for Lᵀ), so that memory is read in order. `out` may be `b`.
 */
export function solveLowerTransposed(
  l: Float64Array,
  n: number,
  b: Float64Array,
  out: Float64Array = new Float64Array(n),
): Float64Array {
  check('solveLowerTransposed', l, n, b, out);
  if (out !== b) for (let i = 0; i < n; i++) out[i] = b[i];
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const xi = out[i] / l[ri + i];
    out[i] = xi;
    // Once x_i is known, remove its share L_ik x_i from every earlier equation k < i.
    for (let k = 0; k < i; k++) out[k] -= l[ri + k] * xi;
  }
  return out;
}
