/**
 * Disjoint boxes whose union is the part of the box below `reference` that no point of a set weakly dominates
 * (every objective minimized): the region where a new point adds hypervolume. Box b spans
 * [lower[b·m + j], upper[b·m + j]] in objective j; lower bounds may be −Infinity.
 */
export interface NonDominatedBoxes {
  /** Objectives. */
  readonly m: number;
  readonly count: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * The decomposition of the non-dominated region by slicing along the last objective: between two successive
 * values of it, the points that can dominate are those at or below the slab, and the slab's region is their
 * (m−1)-dimensional non-dominated region (recursively; one objective is a half-line). O(n^(m−1)) boxes for n
 * points: n + 1 in 2-D, O(n²) in 3-D.
 *
 * The hypervolume a point y adds to the set (exact, as `hypervolume(set ∪ {y}) − hypervolume(set)`) is then
 * Σ_b Π_j clip(upper_bj − y_j, 0, upper_bj − lower_bj): what expected hypervolume improvement integrates.
 * Points not strictly below the reference in every objective are ignored (they dominate nothing inside it).
 */
export function nonDominatedBoxes(
  points: readonly (readonly number[])[],
  reference: readonly number[],
): NonDominatedBoxes {
  const m = reference.length;
  const inside = points.filter((p) => p.every((v, j) => v < reference[j]));
  const lower: number[] = [];
  const upper: number[] = [];
  const lo = new Array<number>(m).fill(-Infinity);
  const hi = [...reference];
  slice(inside, m, lo, hi, lower, upper);
  return { m, count: lower.length / m, lower: Float64Array.from(lower), upper: Float64Array.from(upper) };
}

/**
 * Appends the boxes of the non-dominated region of `points` in objectives 0…d−1 (the coordinates ≥ d are fixed
 * by the caller's slabs, in lo/hi), below hi[0…d−1].
 */
function slice(
  points: readonly (readonly number[])[],
  d: number,
  lo: number[],
  hi: number[],
  lower: number[],
  upper: number[],
): void {
  const axis = d - 1;
  if (axis === 0) {
    // One objective: the region is below the best point's value (or everything when there is none).
    let best = hi[0];
    for (const p of points) if (p[0] < best) best = p[0];
    if (best > -Infinity) pushBox(-Infinity, best, 0, lo, hi, lower, upper);
    return;
  }
  const sorted = nonDominated(points, d).sort((a, b) => a[axis] - b[axis]);
  const top = hi[axis];
  // Slab below the best value of this axis: no point dominates there.
  let floor = -Infinity;
  let i = 0;
  const active: (readonly number[])[] = [];
  while (i < sorted.length) {
    const value = sorted[i][axis];
    if (value > floor) {
      // [floor, value): the points already active (strictly below) dominate in this slab.
      emitSlab(active, d, floor, value, lo, hi, lower, upper);
      floor = value;
    }
    active.push(sorted[i]);
    i++;
  }
  emitSlab(active, d, floor, top, lo, hi, lower, upper);
}

function emitSlab(
  active: readonly (readonly number[])[],
  d: number,
  from: number,
  to: number,
  lo: number[],
  hi: number[],
  lower: number[],
  upper: number[],
): void {
  const axis = d - 1;
  if (!(to > from)) return;
  const savedLo = lo[axis];
  const savedHi = hi[axis];
  lo[axis] = from;
  hi[axis] = to;
  if (active.length === 0) pushWhole(axis, lo, hi, lower, upper);
  else slice(active, axis, lo, hi, lower, upper);
  lo[axis] = savedLo;
  hi[axis] = savedHi;
}

/** The box with objectives 0…axis−1 unconstrained below hi, and the fixed slabs from `axis` on. */
function pushWhole(axis: number, lo: number[], hi: number[], lower: number[], upper: number[]): void {
  for (let j = 0; j < lo.length; j++) {
    lower.push(j < axis ? -Infinity : lo[j]);
    upper.push(hi[j]);
  }
}

function pushBox(
  from: number,
  to: number,
  axis: number,
  lo: number[],
  hi: number[],
  lower: number[],
  upper: number[],
): void {
  for (let j = 0; j < lo.length; j++) {
    lower.push(j === axis ? from : lo[j]);
    upper.push(j === axis ? to : hi[j]);
  }
}

/** The points no other weakly dominates in objectives 0…d−1 (one of each set of duplicates kept). O(n²). */
function nonDominated(points: readonly (readonly number[])[], d: number): (readonly number[])[] {
  const kept: (readonly number[])[] = [];
  for (let a = 0; a < points.length; a++) {
    let dominated = false;
    for (let b = 0; b < points.length && !dominated; b++) {
      if (a === b) continue;
      let noWorse = true;
      let better = false;
      for (let j = 0; j < d && noWorse; j++) {
        if (points[b][j] > points[a][j]) noWorse = false;
        else if (points[b][j] < points[a][j]) better = true;
      }
      // Duplicates: the later one is dropped.
      dominated = noWorse && (better || b < a);
    }
    if (!dominated) kept.push(points[a]);
  }
  return kept;
}
