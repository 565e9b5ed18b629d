/**
 * A study's priority (`priority` of its definition): among running studies, the trials of one of higher
 * priority start first; studies of equal priority share the workers in turn. An integer, higher first.
 */
export const MIN_STUDY_PRIORITY = -1000;
export const MAX_STUDY_PRIORITY = 1000;
/** @defaultValue 0 */
export const DEFAULT_STUDY_PRIORITY = 0;

/** The study's priority; the default for definitions stored before the field existed. */
export function studyPriorityOf(def: { priority?: number }): number {
  const p = def.priority;
  if (p === undefined || !Number.isInteger(p)) return DEFAULT_STUDY_PRIORITY;
  return Math.min(MAX_STUDY_PRIORITY, Math.max(MIN_STUDY_PRIORITY, p));
}

/** Why a priority is refused, or null when it is valid. */
export function studyPriorityProblem(p: unknown): string | null {
  if (typeof p === 'number' && Number.isInteger(p) && p >= MIN_STUDY_PRIORITY && p <= MAX_STUDY_PRIORITY)
    return null;
  return `must be an integer from ${MIN_STUDY_PRIORITY} to ${MAX_STUDY_PRIORITY} (higher starts first), got ${JSON.stringify(p)}`;
}
