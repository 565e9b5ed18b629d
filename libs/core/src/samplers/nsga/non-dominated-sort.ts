import { totalViolation } from '../../multi-objective/constraints';
import { dominates } from '../../study/pareto';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { StudyDirection } from '../../trial/trial-state';

/**
 * Constrained non-dominated sorting (Deb et al. 2002, with Deb's constraint rule): the fronts, best first,
 * as lists of indices into `trials`. Feasible trials (no constraint violated, or no constraints) come
 * first, in Pareto fronts of their values; then the infeasible ones, one front per total violation,
 * smallest first. Every trial must have values. O(M N²) for N trials and M objectives.
 */
export function nonDominatedFronts(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
): number[][] {
  const violations = trials.map(totalViolation);
  const feasible: number[] = [];
  const infeasible: number[] = [];
  trials.forEach((_, i) => (violations[i] === 0 ? feasible : infeasible).push(i));

  const fronts = paretoFronts(
    feasible.map((i) => trials[i].values!),
    directions,
  ).map((front) => front.map((k) => feasible[k]));

  infeasible.sort((a, b) => violations[a] - violations[b] || a - b);
  for (let k = 0; k < infeasible.length;) {
    const front = [infeasible[k]];
    while (++k < infeasible.length && violations[infeasible[k]] === violations[front[0]])
      front.push(infeasible[k]);
    fronts.push(front);
  }
  return fronts;
}

/** Deb's fast non-dominated sort of value vectors: fronts of indices, best first, each in index order. */
export function paretoFronts(
  values: readonly (readonly number[])[],
  directions: readonly StudyDirection[],
): number[][] {
  const n = values.length;
  const dominatedBy = new Array<number>(n).fill(0);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(values[i], values[j], directions)) {
        dominating[i].push(j);
        dominatedBy[j]++;
      } else if (dominates(values[j], values[i], directions)) {
        dominating[j].push(i);
        dominatedBy[i]++;
      }
    }
  }
  const fronts: number[][] = [];
  let current = [...Array(n).keys()].filter((i) => dominatedBy[i] === 0);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominating[i]) if (--dominatedBy[j] === 0) next.push(j);
    }
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/**
 * Crowding distance of each point of one front (Deb et al. 2002): the sum over objectives of the gap
 * between its two neighbours, over that objective's range in the front. The extreme points of each
 * objective, and every point of a front of two or fewer, get Infinity.
 */
export function crowdingDistances(values: readonly (readonly number[])[]): number[] {
  const n = values.length;
  const distance = new Array<number>(n).fill(0);
  if (n <= 2) return distance.fill(Infinity);
  const m = values[0].length;
  for (let k = 0; k < m; k++) {
    const order = [...Array(n).keys()].sort((a, b) => values[a][k] - values[b][k] || a - b);
    const low = values[order[0]][k];
    const high = values[order[n - 1]][k];
    distance[order[0]] = Infinity;
    distance[order[n - 1]] = Infinity;
    if (!(high > low) || !Number.isFinite(high - low)) continue;
    for (let r = 1; r < n - 1; r++) {
      distance[order[r]] += (values[order[r + 1]][k] - values[order[r - 1]][k]) / (high - low);
    }
  }
  return distance;
}
