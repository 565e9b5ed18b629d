import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/trial-state';

/** Whether values `a` dominate `b`: no worse in every objective and better in at least one. */
export function dominates(
  a: readonly number[],
  b: readonly number[],
  directions: readonly StudyDirection[],
): boolean {
  let better = false;
  for (let i = 0; i < directions.length; i++) {
    const sign = directions[i] === 'minimize' ? 1 : -1;
    const da = sign * a[i];
    const db = sign * b[i];
    if (da > db) return false;
    if (da < db) better = true;
  }
  return better;
}

/** The trials no other trial dominates, in number order. O(n^2), fine for studies of thousands of trials. */
export function paretoFront(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
): FrozenTrial[] {
  return trials.filter(
    (t) => t.values && !trials.some((o) => o !== t && o.values && dominates(o.values, t.values!, directions)),
  );
}
