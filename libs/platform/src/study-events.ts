/**
 * What workers and the scheduler publish on a study's Redis channel (`RedisKeys.studyEvents`), and what
 * the API forwards to dashboards over SSE. Plain types with no imports, in the platform library so
 * that the dashboard (dashboard/) can share them.
 */
export type StudyEvent = TrialFinishedEvent | StudyStateEvent;

/** A trial of the study reached a terminal state. */
export interface TrialFinishedEvent {
  readonly type: 'trial-finished';
  readonly studyId: number;
  readonly trialId: number;
  readonly number: number;
  readonly state: 'COMPLETE' | 'PRUNED' | 'FAIL';
  readonly values: readonly number[] | null;
  readonly durationMs: number | null;
}

/** The study's platform state changed (e.g. the scheduler found its budget spent). */
export interface StudyStateEvent {
  readonly type: 'study-state';
  readonly studyId: number;
  readonly state: 'RUNNING' | 'STOPPED' | 'COMPLETED';
}

/** The SSE event names the API sends besides the study events. */
export const STREAM_READY_EVENT = 'ready';
export const STREAM_PING_EVENT = 'ping';
