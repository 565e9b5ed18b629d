import { InvalidArgumentError } from '../errors';
import { dominates } from '../study/pareto';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/trial-state';

/**
 * The trial system attribute holding a trial's constraint values (Optuna's key, so that studies move
 * between the two): one number per constraint, ≤ 0 where the constraint holds.
 */
export const CONSTRAINTS_ATTR = 'constraints';

/**
 * A study's constraints: called on each trial at tell time (COMPLETE or PRUNED, with its values), it
 * returns one number per constraint, ≤ 0 when the constraint holds (e.g. `latencyMs - 50` for "under 50 ms").
 */
export type ConstraintsFunc = (trial: FrozenTrial) => readonly number[];

/**
 * Checks what a constraints function returned: an array of finite numbers (they are stored as JSON,
 * which has no NaN or Infinity; return a large number for "very infeasible").
 * @throws InvalidArgumentError saying what was wrong
 */
export function checkConstraintValues(raw: unknown): number[] {
  if (!Array.isArray(raw) || raw.some((c) => typeof c !== 'number' || !Number.isFinite(c))) {
    const shown = Array.isArray(raw)
      ? `[${raw.map(String).join(', ')}]`
      : (JSON.stringify(raw) ?? String(raw));
    throw new InvalidArgumentError(
      `constraintsFunc must return an array of finite numbers (≤ 0 where a constraint holds), got ${shown}.`,
    );
  }
  return [...(raw as number[])];
}

/** The constraint values stored on a trial, or null when it has none (a study without constraints). */
export function trialConstraints(trial: FrozenTrial): number[] | null {
  const raw = trial.systemAttrs[CONSTRAINTS_ATTR];
  if (!Array.isArray(raw)) return null;
  // Anything but a number (a foreign writer's null) counts as violated, never as satisfied.
  return raw.map((c) => (typeof c === 'number' ? c : NaN));
}

/** The sum of the positive constraint values (NaN counts as infinite): 0 for a feasible trial or one without constraints. */
export function totalViolation(trial: FrozenTrial): number {
  const constraints = trialConstraints(trial);
  if (!constraints) return 0;
  let sum = 0;
  for (const c of constraints) if (c > 0 || Number.isNaN(c)) sum += Number.isNaN(c) ? Infinity : c;
  return sum;
}

/** Whether every constraint of the trial holds (≤ 0). A trial without constraint values is feasible. */
export function isFeasible(trial: FrozenTrial): boolean {
  return totalViolation(trial) === 0;
}

/**
 * Deb's constrained domination of two trials with values: a feasible trial dominates an infeasible one;
 * of two infeasible trials, the smaller total violation dominates; of two feasible ones, Pareto dominance.
 */
export function constrainedDominates(
  a: FrozenTrial,
  b: FrozenTrial,
  directions: readonly StudyDirection[],
): boolean {
  const va = totalViolation(a);
  const vb = totalViolation(b);
  if (va === 0 && vb === 0)
    return a.values !== null && b.values !== null && dominates(a.values, b.values, directions);
  return va < vb;
}

/**
 * The trials no other trial dominates under constrained domination, in number order: the Pareto front of
 * the feasible trials when there is one, else the trials of least total violation (and of those, the
 * Pareto-optimal ones). Trials without values are skipped. O(n²).
 */
export function constrainedParetoFront(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
): FrozenTrial[] {
  const withValues = trials.filter((t) => t.values);
  if (withValues.length === 0) return [];
  const violations = withValues.map(totalViolation);
  const least = Math.min(...violations);
  const candidates = withValues.filter((_, i) => violations[i] === least);
  return candidates.filter(
    (t) => !candidates.some((o) => o !== t && dominates(o.values!, t.values!, directions)),
  );
}
