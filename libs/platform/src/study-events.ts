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

/** The study's platform state changed (e.g. the scheduler found its budget spent), or it was deleted. */
export interface StudyStateEvent {
  readonly type: 'study-state';
  readonly studyId: number;
  readonly state: 'RUNNING' | 'STOPPED' | 'COMPLETED' | 'DELETED';
}

/** The SSE event names the API sends besides the study events. */
export const STREAM_READY_EVENT = 'ready';
export const STREAM_PING_EVENT = 'ping';

/**
 * One message on a study's channel: the events a process raised together, in order (a JSON array). A
 * busy worker groups its trials' events (StudyEventPublisher), so that it sends a few messages a second
 * instead of one per trial.
 */
export function studyEventsMessage(events: readonly StudyEvent[]): string {
  return JSON.stringify(events);
}

/**
 * The events of a message on a study's channel, in order: an array of them, or one event alone (as
 * processes published before events were grouped, during a rolling upgrade).
 * @throws SyntaxError when the message is not JSON
 */
export function parseStudyEventsMessage(message: string): StudyEvent[] {
  const parsed = JSON.parse(message) as StudyEvent | StudyEvent[];
  return Array.isArray(parsed) ? parsed : [parsed];
}
