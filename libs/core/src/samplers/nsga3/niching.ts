import type { Rng } from '../../random/rng';

/**
 * Association (Deb & Jain 2014, Algorithm 3): each normalized point's nearest reference line (the ray
 * from the origin through a reference point), and its perpendicular distance to that line. Ties go to
 * the first reference point.
 */
export function associate(
  points: readonly (readonly number[])[],
  references: readonly (readonly number[])[],
): { niche: number[]; distance: number[] } {
  const directions = references.map((r) => {
    const norm = Math.hypot(...r);
    return r.map((x) => x / norm);
  });
  const niche: number[] = [];
  const distance: number[] = [];
  for (const p of points) {
    let best = 0;
    let bestDistance = Infinity;
    directions.forEach((w, j) => {
      const along = p.reduce((s, x, i) => s + x * w[i], 0);
      // |p − (p·w) w| for a unit w (the difference itself, not |p|² − (p·w)², which cancels near the line).
      const d = Math.hypot(...p.map((x, i) => x - along * w[i]));
      if (d < bestDistance) {
        bestDistance = d;
        best = j;
      }
    });
    niche.push(best);
    distance.push(bestDistance);
  }
  return { niche, distance };
}

/**
 * Niche-preserving selection (Deb & Jain 2014, Algorithm 4): `count` members of the last front, chosen
 * one at a time for the reference point with the fewest members kept so far (`nicheCounts`, ρ_j; ties at
 * random). For a point with none kept yet, its last-front member closest to the line; otherwise a random
 * one of its members. A reference point with no member left in the last front is out of the draw.
 * Returns indices into the last front, in the order picked.
 * @param nicheCounts ρ_j over the members kept before the last front (not modified)
 * @param niche each last-front member's reference point (from `associate`)
 * @param distance each last-front member's distance to its reference line
 */
export function nichePreservingSelection(
  count: number,
  nicheCounts: readonly number[],
  niche: readonly number[],
  distance: readonly number[],
  rng: Rng,
): number[] {
  const rho = [...nicheCounts];
  const members = rho.map(() => [] as number[]);
  niche.forEach((j, i) => members[j].push(i));
  const open = new Set(members.flatMap((list, j) => (list.length > 0 ? [j] : [])));
  const picked: number[] = [];
  while (picked.length < count && open.size > 0) {
    let fewest = Infinity;
    let least: number[] = [];
    for (const j of open) {
      if (rho[j] < fewest) {
        fewest = rho[j];
        least = [j];
      } else if (rho[j] === fewest) least.push(j);
    }
    const j = least[rng.int(least.length)];
    const candidates = members[j];
    let k: number;
    if (rho[j] === 0) {
      k = 0;
      for (let c = 1; c < candidates.length; c++)
        if (distance[candidates[c]] < distance[candidates[k]]) k = c;
    } else {
      k = rng.int(candidates.length);
    }
    picked.push(candidates[k]);
    candidates.splice(k, 1);
    rho[j]++;
    if (candidates.length === 0) open.delete(j);
  }
  return picked;
}
