/** The life of a trial: WAITING (enqueued) → RUNNING → exactly one of COMPLETE, PRUNED, FAIL. */
export const TrialState = {
  WAITING: 'WAITING',
  RUNNING: 'RUNNING',
  COMPLETE: 'COMPLETE',
  PRUNED: 'PRUNED',
  FAIL: 'FAIL',
} as const;
export type TrialState = (typeof TrialState)[keyof typeof TrialState];

export const TRIAL_STATES: readonly TrialState[] = Object.values(TrialState);
export const FINISHED_STATES: readonly TrialState[] = [
  TrialState.COMPLETE,
  TrialState.PRUNED,
  TrialState.FAIL,
];

export function isFinished(state: TrialState): boolean {
  return state === 'COMPLETE' || state === 'PRUNED' || state === 'FAIL';
}

export function isTrialState(value: unknown): value is TrialState {
  return typeof value === 'string' && (TRIAL_STATES as readonly string[]).includes(value);
}

export type StudyDirection = 'minimize' | 'maximize';

export function isStudyDirection(value: unknown): value is StudyDirection {
  return value === 'minimize' || value === 'maximize';
}
