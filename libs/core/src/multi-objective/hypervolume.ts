import { InvalidArgumentError } from '../errors';

/**
 * Exact hypervolume of a set of points (every objective minimized) with respect to a reference point:
 * the Lebesgue measure of { y ≤ reference : some point p ≤ y }. Points that are not strictly better than
 * the reference in every objective contribute nothing and are ignored; duplicates and dominated points
 * are dropped first. 2-D: a sort and a sweep, O(n log n); 3-D: a sweep along the last objective over a
 * sorted 2-D staircase, O(n²) worst case; above: WFG (While, Bradstreet & Barone 2012).
 * For maximized objectives, negate them and the reference first.
 * @throws InvalidArgumentError when a point's length differs from the reference's or a coordinate is NaN
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const inside = pointsInside(points, reference);
  if (inside.length === 0) return 0;
  switch (reference.length) {
    case 1:
      return reference[0] - Math.min(...inside.map((p) => p[0]));
    // The sweeps skip dominated points and duplicates themselves, in O(n log n) and O(n²).
    case 2:
      return hypervolume2d(inside, reference);
    case 3:
      return hypervolume3d(inside, reference);
    default:
      return wfg(sortByFirst(nonDominated(inside)), reference);
  }
}

/**
 * The WFG algorithm on any number of objectives (≥ 2), for cross-checking the 2-D and 3-D sweeps;
 * `hypervolume` picks the fastest exact method by itself.
 */
export function hypervolumeWfg(points: readonly (readonly number[])[], reference: readonly number[]): number {
  if (reference.length < 2) return hypervolume(points, reference);
  return wfg(sortByFirst(nonDominated(pointsInside(points, reference))), reference);
}

/** Checks the input and keeps the points strictly inside the reference box. */
function pointsInside(points: readonly (readonly number[])[], reference: readonly number[]): number[][] {
  const d = reference.length;
  if (d === 0 || reference.some((r) => Number.isNaN(r))) {
    throw new InvalidArgumentError(
      `hypervolume: the reference point must be non-empty numbers, got ${JSON.stringify(reference)}.`,
    );
  }
  const inside: number[][] = [];
  for (const p of points) {
    if (p.length !== d) {
      throw new InvalidArgumentError(
        `hypervolume: every point needs ${d} coordinates like the reference point, got ${JSON.stringify(p)}.`,
      );
    }
    if (p.some((v) => Number.isNaN(v)))
      throw new InvalidArgumentError(`hypervolume: point ${JSON.stringify(p)} has NaN.`);
    if (p.every((v, i) => v < reference[i])) inside.push([...p]);
  }
  return inside;
}

/** Whether `a` weakly dominates `b` (no worse anywhere, minimization). */
function weaklyDominates(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] > b[i]) return false;
  return true;
}

/** The points no other point weakly dominates; of identical points, the first. O(n²) but sorted first so that most are rejected early. */
function nonDominated(points: number[][]): number[][] {
  // Sorted lexicographically, a point can only be weakly dominated by one before it (or an equal one).
  const sorted = [...points].sort(lexicographic);
  const kept: number[][] = [];
  for (const p of sorted) {
    if (!kept.some((q) => weaklyDominates(q, p))) kept.push(p);
  }
  return kept;
}

function lexicographic(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function sortByFirst(points: number[][]): number[][] {
  return [...points].sort(lexicographic);
}

/** 2-D: sorted by the first objective, a non-dominated set is a staircase going down in the second. */
function hypervolume2d(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let volume = 0;
  let lastY = reference[1];
  for (const [x, y] of sorted) {
    if (y >= lastY) continue; // dominated by an earlier point
    volume += (reference[0] - x) * (lastY - y);
    lastY = y;
  }
  return volume;
}

/**
 * 3-D: sweep the points by increasing third objective, keeping the 2-D staircase of those seen (sorted by
 * the first objective) and its area; each slab between two consecutive third coordinates adds area × height.
 */
function hypervolume3d(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const sorted = [...points].sort((a, b) => a[2] - b[2]);
  const [rx, ry, rz] = reference;
  // The staircase: x increasing, y decreasing; `area` is its 2-D hypervolume w.r.t. (rx, ry).
  const xs: number[] = [];
  const ys: number[] = [];
  let area = 0;
  let volume = 0;
  for (let k = 0; k < sorted.length; k++) {
    const [x, y, z] = sorted[k];
    // First staircase point with xs[i] > x (binary search); the one before it (if any) has xs ≤ x.
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    const before = lo - 1;
    if (!(before >= 0 && ys[before] <= y)) {
      // Not dominated in (x, y): remove the points it dominates (x' ≥ x, y' ≥ y: they follow it) and
      // add the area it gains over the current staircase.
      let end = lo;
      while (end < xs.length && ys[end] >= y) end++;
      const upperY = before >= 0 ? ys[before] : ry;
      // Area newly covered: the region [x, rx) × [y, upperY) minus what the removed and following points covered.
      let gained = 0;
      let cursorX = x;
      let cursorY = upperY;
      for (let i = lo; i < end; i++) {
        // Between cursorX and xs[i] the old staircase height was cursorY (the level of the previous point).
        gained += (xs[i] - cursorX) * (cursorY - y);
        cursorX = xs[i];
        cursorY = ys[i];
      }
      const nextX = end < xs.length ? xs[end] : rx;
      gained += (nextX - cursorX) * (cursorY - y);
      area += gained;
      xs.splice(lo, end - lo, x);
      ys.splice(lo, end - lo, y);
    }
    const nextZ = k + 1 < sorted.length ? sorted[k + 1][2] : rz;
    volume += area * (nextZ - z);
  }
  return volume;
}

/**
 * WFG: the volume of the points sorted by the first objective is the sum of each point's exclusive
 * contribution against the points after it, computed recursively on their limit set.
 */
function wfg(sorted: number[][], reference: readonly number[]): number {
  if (sorted.length === 0) return 0;
  if (sorted.length === 1) return boxVolume(sorted[0], reference);
  if (reference.length === 2) return hypervolume2d(sorted, reference);
  let volume = 0;
  for (let k = 0; k < sorted.length; k++) {
    const p = sorted[k];
    const limited: number[][] = [];
    for (let j = k + 1; j < sorted.length; j++) limited.push(sorted[j].map((v, i) => Math.max(v, p[i])));
    volume += boxVolume(p, reference) - wfg(sortByFirst(nonDominated(limited)), reference);
  }
  return volume;
}

function boxVolume(p: readonly number[], reference: readonly number[]): number {
  let v = 1;
  for (let i = 0; i < p.length; i++) v *= reference[i] - p[i];
  return v;
}
