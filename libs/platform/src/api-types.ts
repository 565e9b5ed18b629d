import type { ParamImportance, StudyPlots, TrialState } from '@tuneforge/core';
import type { PlatformStudyState, StudyDefinition } from './study-definition';

// The JSON the platform's HTTP API answers with. Declared here, in the platform library, and not beside
// the Nest services, so that the dashboard (dashboard/) type-checks against the same declarations
// without importing the platform (src/); src/api/common/responses.ts builds them.

export interface TrialResponse {
  number: number;
  state: TrialState;
  values: readonly number[] | null;
  params: Record<string, unknown>;
  intermediateValues: Record<number, number>;
  userAttrs: Record<string, unknown>;
  /** What samplers and pruners recorded (e.g. `cma:generation`, `completed_rung_0`). */
  systemAttrs: Record<string, unknown>;
  failReason: string | null;
  worker: string | null;
  /** Runs of the trial so far (1 on its first; 0 while it never ran). */
  attempt: number;
  /** Why the last run failed, when the study retried it (`retry.retryFailedTrials`). */
  lastFailure: string | null;
  datetimeStart: string | null;
  datetimeComplete: string | null;
  durationMs: number | null;
}

export interface StudyResponse {
  id: number;
  name: string;
  directions: readonly string[];
  state: PlatformStudyState | 'EMBEDDED';
  createdAt: string;
  definition: StudyDefinition | null;
  counts: Record<TrialState, number>;
  /** One objective: the best COMPLETE trial, feasible ones first (least total constraint violation). */
  best?: TrialResponse | null;
  /** Several objectives: the Pareto front of the COMPLETE feasible trials (as GET /studies/:id/pareto). */
  paretoFront?: TrialResponse[];
  /**
   * GET /studies/:id: why its WAITING trials do not start, when no live worker offers what they need
   * (`{ reason: "no live worker offers gpu ≥ 1" }`); null otherwise.
   */
  waiting?: { reason: string } | null;
}

/** One worker pool in GET /pools: the trials of one requirement and the live workers that run them. */
export interface PoolResponse {
  /** Its BullMQ queue (Bull Board lists it under that name). */
  queue: string;
  /** What each of its trials needs; {} for the default pool (any worker). */
  requirement: Record<string, number>;
  /** Live workers that meet the requirement. */
  workers: string[];
  /** WAITING trials of the running studies of this pool. */
  waitingTrials: number;
  /** Jobs in its queue waiting for a worker, and running. */
  queuedJobs: number;
  activeJobs: number;
  /** Why its trials cannot start (no live worker meets the requirement); null when some can. */
  reason: string | null;
}

/** GET /pools. */
export interface PoolsResponse {
  workers: Array<{
    workerId: string;
    resources: Record<string, number>;
    concurrency: number;
    running: number;
    queues: string[];
    announcedAt: string;
  }>;
  pools: PoolResponse[];
}

/** GET /studies/:id/plots, the dashboard's charts. */
export interface StudyPlotsResponse {
  studyId: number;
  objective: number;
  /** Trials the plots were computed from. */
  trialCount: number;
  generatedAt: string;
  plots: StudyPlots;
}

/** GET /studies/:id/importances. */
export interface ImportancesResponse {
  studyId: number;
  objective: number;
  /** Most important first; null until two completed trials share a parameter. */
  importances: readonly ParamImportance[] | null;
}
