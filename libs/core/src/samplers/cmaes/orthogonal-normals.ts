import type { Rng } from '../../random/rng';

/**
 * n mutually orthogonal vectors, each distributed exactly as N(0, I_n): the directions are a random
 * orthonormal basis (Gram–Schmidt on a Gaussian matrix, i.e. Haar-distributed) and the lengths are
 * independent χ_n draws (norms of fresh Gaussian vectors). A population drawn in such blocks covers the
 * directions around the mean more evenly than independent draws (orthogonal sampling, H. Wang,
 * M. Emmerich, T. Bäck, "Mirrored orthogonal sampling for covariance matrix adaptation evolution
 * strategies", Evolutionary Computation 27(4), 2019) while each sample keeps the distribution CMA-ES assumes.
 */
export function orthogonalNormals(rng: Rng, n: number): Float64Array[] {
  const basis: Float64Array[] = [];
  while (basis.length < n) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    // Modified Gram–Schmidt, twice for accuracy; a (probability-zero) degenerate draw is redrawn.
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i] * b[i];
        for (let i = 0; i < n; i++) v[i] -= dot * b[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-10)) continue;
    for (let i = 0; i < n; i++) v[i] /= norm;
    basis.push(v);
  }
  return basis.map((b) => {
    let chi = 0;
    for (let i = 0; i < n; i++) chi += rng.normal() ** 2;
    chi = Math.sqrt(chi);
    return b.map((v) => v * chi);
  });
}
