import { hypervolume } from '../../multi-objective/hypervolume';

/**
 * Multi-objective TPE (MOTPE, Ozaki et al. 2020, as Optuna's TPESampler with several objectives): which
 * finished trials are "good" and how much each weighs in l(x). Every function here takes value vectors
 * on the minimising scale (a maximised objective negated).
 */

/** The smallest weight an observation gets: dominated and duplicate points stay in l(x), barely. */
export const MIN_BELOW_WEIGHT = 1e-12;

/**
 * The reference point MOTPE measures hypervolumes from: the worst value of each objective, moved 10 %
 * of its magnitude outwards (max(1.1 w, 0.9 w), so that negative worsts move outwards too); an
 * objective whose worst is 0 gets a tiny positive reference so that the points still span a volume.
 */
export function motpeReferencePoint(points: readonly (readonly number[])[]): number[] {
  const d = points[0].length;
  const reference: number[] = [];
  for (let k = 0; k < d; k++) {
    let worst = -Infinity;
    for (const p of points) worst = Math.max(worst, p[k]);
    const r = Math.max(1.1 * worst, 0.9 * worst);
    reference.push(r === 0 ? MIN_BELOW_WEIGHT : r);
  }
  return reference;
}

/** Indices of points (minimised) sorted into fronts by non-domination, best front first, each in index order. */
export function nonDominationFronts(points: readonly (readonly number[])[]): number[][] {
  return leadingFronts(points, points.length);
}

/**
 * The best fronts of `points` (minimised), as `nonDominationFronts`, until they hold at least `count`
 * points. Peels front after front from the points in lexicographic order, where only an earlier point
 * can dominate a later one: each peel costs O(n · front size), so a split of γ ≤ 25 good trials costs
 * O(n γ), not the O(n²) of a full sort.
 */
export function leadingFronts(points: readonly (readonly number[])[], count: number): number[][] {
  let rest = [...points.keys()].sort((a, b) => lexicographic(points[a], points[b]) || a - b);
  const fronts: number[][] = [];
  let held = 0;
  while (rest.length > 0 && held < count) {
    const front: number[] = [];
    const later: number[] = [];
    for (const i of rest) {
      const p = points[i];
      if (front.some((j) => dominatesMinimised(points[j], p))) later.push(i);
      else front.push(i);
    }
    fronts.push(front.sort((a, b) => a - b));
    held += front.length;
    rest = later;
  }
  return fronts;
}

function lexicographic(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return 0;
}

/** a ≤ b everywhere and < somewhere (minimised). */
function dominatesMinimised(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k] > b[k]) return false;
    if (a[k] < b[k]) better = true;
  }
  return better;
}

/**
 * The `nBelow` best of `points` (minimised), as indices in selection order: whole fronts by
 * non-domination rank while they fit, then, from the front that straddles the split, the subset a
 * greedy hypervolume subset selection picks (`greedyHypervolumeSubset`, with that front's own
 * reference point) — the points that add the most to the volume the good ones cover.
 */
export function splitByNonDomination(points: readonly (readonly number[])[], nBelow: number): number[] {
  const n = points.length;
  if (nBelow <= 0) return [];
  if (nBelow >= n) return [...Array(n).keys()];
  const below: number[] = [];
  for (const front of leadingFronts(points, nBelow)) {
    const room = nBelow - below.length;
    if (room === 0) break;
    if (front.length <= room) {
      below.push(...front);
      continue;
    }
    const frontPoints = front.map((i) => points[i]);
    const picked = greedyHypervolumeSubset(frontPoints, room, motpeReferencePoint(frontPoints));
    below.push(...picked.map((k) => front[k]));
    break;
  }
  return below;
}

/**
 * Greedy hypervolume subset selection: `k` indices of `points` (minimised), each step taking the point
 * that adds the most hypervolume w.r.t. `reference` to the points taken so far (ties: the lowest
 * index). A point's gain only shrinks as the selection grows (hypervolume is submodular), so stale
 * gains are upper bounds and only the leading candidate is re-evaluated (lazy greedy). When the
 * volume is not finite (an infinite value), the first k indices are taken.
 */
export function greedyHypervolumeSubset(
  points: readonly (readonly number[])[],
  k: number,
  reference: readonly number[],
): number[] {
  const n = points.length;
  if (k >= n) return [...Array(n).keys()];
  if (k <= 0) return [];
  if (!reference.every(Number.isFinite) || !points.every((p) => p.every(Number.isFinite))) {
    return [...Array(k).keys()];
  }
  const gain = points.map((p) => hypervolume([p], reference));
  const fresh = new Array<boolean>(n).fill(true);
  const taken = new Array<boolean>(n).fill(false);
  const selected: number[] = [];
  let volume = 0;
  while (selected.length < k) {
    let lead = -1;
    for (let i = 0; i < n; i++) if (!taken[i] && (lead < 0 || gain[i] > gain[lead])) lead = i;
    if (!fresh[lead]) {
      gain[lead] = hypervolume([...selected.map((j) => points[j]), points[lead]], reference) - volume;
      fresh[lead] = true;
      continue;
    }
    taken[lead] = true;
    selected.push(lead);
    volume += gain[lead];
    fresh.fill(false);
  }
  return selected;
}

/**
 * MOTPE's weights of the good points (minimised) in l(x): each point of their Pareto front weighs its
 * exclusive hypervolume contribution (the volume only it covers, w.r.t. `motpeReferencePoint` of the
 * good points) over the largest one, dominated points and points that cover nothing alone weigh
 * MIN_BELOW_WEIGHT. With one point or fewer, or an infinite volume, every point weighs 1.
 */
export function hypervolumeWeights(points: readonly (readonly number[])[]): number[] {
  const n = points.length;
  const weights = new Array<number>(n).fill(1);
  if (n <= 1 || !points.every((p) => p.every(Number.isFinite))) return weights;
  const reference = motpeReferencePoint(points);
  const front = nonDominationFronts(points)[0];
  const frontPoints = front.map((i) => points[i]);
  const total = hypervolume(frontPoints, reference);
  if (!Number.isFinite(total)) return weights;
  const contributions = front.map(
    (_, k) =>
      total -
      hypervolume(
        frontPoints.filter((__, j) => j !== k),
        reference,
      ),
  );
  const largest = Math.max(MIN_BELOW_WEIGHT, ...contributions);
  weights.fill(MIN_BELOW_WEIGHT);
  front.forEach((i, k) => (weights[i] = Math.max(contributions[k] / largest, MIN_BELOW_WEIGHT)));
  return weights;
}

/** A finished trial as MOTPE ranks it. */
export interface MotpeTrial {
  /** Objective values on the minimising scale (NaN counts as Infinity). */
  readonly values: readonly number[];
  /** COMPLETE (else PRUNED). */
  readonly complete: boolean;
  /** Total constraint violation: 0 when feasible. */
  readonly violation: number;
  /** Trial number (ties go to the older trial). */
  readonly number: number;
}

/**
 * MOTPE's split of finished trials: the `nBelow` good ones as indices into `trials`, with their weights
 * in l(x). In this order until nBelow is reached: the feasible COMPLETE trials by
 * `splitByNonDomination`; the feasible PRUNED ones in the order given (the caller ranks them); the
 * infeasible ones by total violation, then number (a trial breaking a constraint is never better
 * than a feasible one). Weights: `hypervolumeWeights` of the feasible COMPLETE good trials,
 * MIN_BELOW_WEIGHT for the others.
 */
export function motpeSplit(
  trials: readonly MotpeTrial[],
  nBelow: number,
  weighting: 'hypervolume' | 'uniform' = 'hypervolume',
): { below: number[]; weights: number[] } {
  const complete: number[] = [];
  const pruned: number[] = [];
  const infeasible: number[] = [];
  trials.forEach((t, i) => (t.violation > 0 ? infeasible : t.complete ? complete : pruned).push(i));
  complete.sort((a, b) => trials[a].number - trials[b].number);
  const points = complete.map((i) => trials[i].values.map((v) => (Number.isNaN(v) ? Infinity : v)));
  const picked = splitByNonDomination(points, Math.min(nBelow, points.length));
  const below = picked.map((k) => complete[k]);
  const weights =
    weighting === 'hypervolume' ? hypervolumeWeights(picked.map((k) => points[k])) : picked.map(() => 1);
  infeasible.sort((a, b) => trials[a].violation - trials[b].violation || trials[a].number - trials[b].number);
  for (const i of [...pruned, ...infeasible]) {
    if (below.length >= nBelow) break;
    below.push(i);
    weights.push(MIN_BELOW_WEIGHT);
  }
  return { below, weights };
}
