/**
 * The lifecycle of a platform study (system attribute `platform:state`), written down once: every route
 * that changes a study and the scheduler's completion go through here.
 *
 * ```
 *             stop                      budget spent, timeout or sampler exhausted,
 *   RUNNING ────────▶ STOPPED           no trial in flight (the scheduler)
 *      ▲                 │      RUNNING ─────────────────────────────────────────▶ COMPLETED
 *      └─────resume──────┘
 * ```
 *
 * COMPLETED is final: it can be read and deleted, nothing else. Repeating a move is idempotent (stop on
 * STOPPED, resume on RUNNING answer the study unchanged, as `kubectl apply` does), so a client may retry.
 * A trial can be enqueued on a RUNNING study and on a STOPPED one (it runs on resume, as Optuna's
 * `enqueue_trial` on a study nobody optimizes), while the budget has room: an enqueued trial counts in
 * `budget.nTrials`. Delete and reads are allowed in every state.
 *
 * The Storage port has no conditional write of a study attribute, so each change reads the state and then
 * writes it: its callers hold the study's lock around the two (the scheduler's refill, the API's routes),
 * so no two changes interleave (docs/PLATFORM.md, "Races").
 */
import { Storage, StudyNotFoundError, type StudyRecord } from '@tuneforge/core';
import {
  STARTED_AT_ATTR,
  STATE_ATTR,
  STOPPED_AT_ATTR,
  STUDY_STATES,
  type PlatformStudyState,
} from './study-definition';

/** What can be done to a platform study: the REST routes, and `complete` by the scheduler. */
export const STUDY_ACTIONS = ['stop', 'resume', 'enqueue', 'delete', 'read', 'complete'] as const;
export type StudyAction = (typeof STUDY_ACTIONS)[number];

/**
 * What an action does in a state: `move` to another state, `keep` the state (the action is allowed, or
 * is a repeat of the move that led here), or `refuse` it (409 through the API).
 */
export type LifecycleRule =
  | { readonly outcome: 'move'; readonly to: PlatformStudyState }
  | { readonly outcome: 'keep' }
  | { readonly outcome: 'refuse'; readonly why: string; readonly instead: string };

const move = (to: PlatformStudyState): LifecycleRule => ({ outcome: 'move', to });
const keep: LifecycleRule = { outcome: 'keep' };
const refuse = (why: string, instead: string): LifecycleRule => ({ outcome: 'refuse', why, instead });

/** The table: state × action → rule. docs/PLATFORM.md shows it as the "Study lifecycle" table. */
export const STUDY_LIFECYCLE: Readonly<
  Record<PlatformStudyState, Readonly<Record<StudyAction, LifecycleRule>>>
> = {
  RUNNING: {
    stop: move('STOPPED'),
    resume: keep,
    enqueue: keep,
    delete: keep,
    read: keep,
    complete: move('COMPLETED'),
  },
  STOPPED: {
    stop: keep,
    resume: move('RUNNING'),
    enqueue: keep,
    delete: keep,
    read: keep,
    // A stopped study waits for its owner: resume it and the scheduler completes it if nothing is left.
    complete: refuse('the scheduler completes running studies only', 'resume it first'),
  },
  COMPLETED: {
    stop: refuse(
      'it has ended (budget, timeout or search space spent) and has nothing to stop',
      'read its results, or delete it',
    ),
    resume: refuse(
      'its budget is spent and it cannot run again',
      'create a new study (POST /studies) to run more trials',
    ),
    enqueue: refuse(
      'it runs no more trials',
      'create a new study (POST /studies) and enqueue the trial there',
    ),
    delete: keep,
    read: keep,
    complete: keep,
  },
};

/** An action the study's state does not allow (HTTP 409); the message names the state and what to do. */
export class StudyStateConflictError extends Error {
  constructor(
    readonly studyId: number,
    readonly state: PlatformStudyState,
    readonly action: StudyAction,
    message: string,
  ) {
    super(message);
    this.name = 'StudyStateConflictError';
  }
}

/** How a refusal names the action: `cannot <phrase>`. */
const ACTION_PHRASES: Readonly<Record<StudyAction, string>> = {
  stop: 'stop it',
  resume: 'resume it',
  enqueue: 'enqueue a trial on it',
  delete: 'delete it',
  read: 'read it',
  complete: 'complete it',
};

/** The state after `action` in `state`. @throws StudyStateConflictError when the table refuses it */
export function nextStudyState(
  studyId: number,
  state: PlatformStudyState,
  action: StudyAction,
): PlatformStudyState {
  const rule = STUDY_LIFECYCLE[state][action];
  if (rule.outcome === 'refuse') {
    throw new StudyStateConflictError(
      studyId,
      state,
      action,
      `Study ${studyId} is ${state}: cannot ${ACTION_PHRASES[action]}, ${rule.why}; ${rule.instead}.`,
    );
  }
  return rule.outcome === 'move' ? rule.to : state;
}

/** Whether the study has run for its `budget.timeoutSec` (time spent STOPPED not counted): no trial starts. */
export function budgetTimedOut(record: StudyRecord, timeoutSec: number | null, now = Date.now()): boolean {
  if (timeoutSec === null) return false;
  const startedAt = Number(record.systemAttrs[STARTED_AT_ATTR] ?? record.createdAt);
  return now - startedAt >= timeoutSec * 1000;
}

/**
 * Whether one more trial may be enqueued: the state allows it and the budget has room (an enqueued trial
 * counts in `budget.nTrials`; one more would run past it).
 * @throws StudyStateConflictError
 */
export function checkEnqueue(
  studyId: number,
  state: PlatformStudyState,
  trialCount: number,
  nTrials: number,
  timedOut = false,
): void {
  nextStudyState(studyId, state, 'enqueue');
  if (timedOut) {
    throw new StudyStateConflictError(
      studyId,
      state,
      'enqueue',
      `Study ${studyId} ran for its budget.timeoutSec: no trial starts any more; create a new study (POST /studies) to run more trials.`,
    );
  }
  if (trialCount >= nTrials) {
    throw new StudyStateConflictError(
      studyId,
      state,
      'enqueue',
      `Study ${studyId} is ${state} with all ${nTrials} trials of its budget (budget.nTrials) created: ` +
        `an enqueued trial would run past it; create a new study (POST /studies) to run more trials.`,
    );
  }
}

/** The platform state of a study record. @throws StudyNotFoundError for a study the platform did not create */
export function studyStateOf(record: StudyRecord): PlatformStudyState {
  const state = record.systemAttrs[STATE_ATTR];
  if (!STUDY_STATES.includes(state as PlatformStudyState)) {
    throw new StudyNotFoundError(`Study ${record.studyId} was not created through the platform.`);
  }
  return state as PlatformStudyState;
}

/** The platform state of a study, read now. @throws StudyNotFoundError (also as {@link studyStateOf}) */
export async function readStudyState(storage: Storage, studyId: number): Promise<PlatformStudyState> {
  return studyStateOf(await storage.getStudy(studyId));
}

/** A change applied by {@link changeStudyState}: `from` → `to`; `changed` is false for a kept state. */
export interface StudyStateChange {
  readonly from: PlatformStudyState;
  readonly to: PlatformStudyState;
  readonly changed: boolean;
}

/**
 * Applies a stop or a resume: reads the state, checks the table, writes the new state when it moves.
 * @throws StudyStateConflictError, StudyNotFoundError
 */
export async function changeStudyState(
  storage: Storage,
  studyId: number,
  action: 'stop' | 'resume',
  clock: () => number = Date.now,
): Promise<StudyStateChange> {
  // One read: the state, and for a resume when the study was stopped.
  const study = await storage.getStudy(studyId);
  const from = studyStateOf(study);
  const to = nextStudyState(studyId, from, action);
  if (to === from) return { from, to, changed: false };
  // budget.timeoutSec counts running time: a resume moves its start later by the time spent STOPPED.
  const now = clock();
  if (to === 'STOPPED') await storage.setStudySystemAttr(studyId, STOPPED_AT_ATTR, now);
  if (from === 'STOPPED') {
    const stoppedAt = study.systemAttrs[STOPPED_AT_ATTR];
    if (typeof stoppedAt === 'number') {
      const startedAt = Number(study.systemAttrs[STARTED_AT_ATTR] ?? study.createdAt);
      await storage.setStudySystemAttr(studyId, STARTED_AT_ATTR, startedAt + Math.max(0, now - stoppedAt));
    }
  }
  await storage.setStudySystemAttr(studyId, STATE_ATTR, to);
  return { from, to, changed: true };
}

/**
 * The scheduler's RUNNING → COMPLETED, once it found the budget, the timeout or the sampler spent and no
 * trial in flight. The state and the trials in flight are read again just before the write, so that a
 * stop or an enqueued trial that came in while the scheduler was deciding wins (it throws then, and the
 * next refill decides again).
 * @throws StudyStateConflictError when the study is no longer RUNNING or a trial is in flight
 */
export async function completeStudy(storage: Storage, studyId: number): Promise<void> {
  const from = await readStudyState(storage, studyId);
  const to = nextStudyState(studyId, from, 'complete');
  if (to === from) return;
  const inFlight = await storage.getAllTrials(studyId, ['WAITING', 'RUNNING']);
  if (inFlight.length > 0) {
    throw new StudyStateConflictError(
      studyId,
      from,
      'complete',
      `Study ${studyId} is RUNNING with ${inFlight.length} trial(s) in flight (enqueued meanwhile): ` +
        'it completes once they end.',
    );
  }
  await storage.setStudySystemAttr(studyId, STATE_ATTR, to);
}
