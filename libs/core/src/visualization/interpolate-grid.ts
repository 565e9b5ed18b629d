import { InvalidArgumentError } from '../errors';

/** A point at (u, v) in the unit square with a value. */
export interface UnitPoint {
  readonly u: number;
  readonly v: number;
  readonly value: number;
}

/**
 * Inverse-distance-weighted interpolation (Shepard, 1968) of scattered points onto grid nodes in the
 * unit square: z(g) = Σ w_i z_i / Σ w_i with w_i = 1 / d(g, p_i)^power. It is exact at the points,
 * stays within the range of the data (no overshoot, unlike splines), and needs no triangulation, which
 * is what a contour of a few hundred trials wants. A node that coincides with points takes their mean.
 *
 * @param us - node positions along the first axis, in [0, 1]
 * @param vs - node positions along the second axis, in [0, 1]
 * @returns z[j][i] at (us[i], vs[j]), rows along the second axis as chart libraries expect
 */
export function interpolateGrid(
  points: readonly UnitPoint[],
  us: readonly number[],
  vs: readonly number[],
  power = 2,
): number[][] {
  if (points.length === 0) throw new InvalidArgumentError('interpolateGrid needs at least one point');
  if (!(power > 0)) throw new InvalidArgumentError(`power must be > 0, got ${power}`);
  const half = power / 2; // weights from squared distances, so no square root per pair
  return vs.map((v) =>
    us.map((u) => {
      let num = 0;
      let den = 0;
      let exactSum = 0;
      let exactCount = 0;
      for (const p of points) {
        const d2 = (p.u - u) ** 2 + (p.v - v) ** 2;
        if (d2 < 1e-24) {
          exactSum += p.value;
          exactCount++;
        } else if (exactCount === 0) {
          const w = 1 / d2 ** half;
          num += w * p.value;
          den += w;
        }
      }
      return exactCount > 0 ? exactSum / exactCount : num / den;
    }),
  );
}
