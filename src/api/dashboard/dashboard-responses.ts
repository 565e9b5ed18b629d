import type { ParamImportance, StudyPlots } from '@tuneforge/core';

// The dashboard's own JSON routes. Kept apart from the services (no Nest here), so that the front end
// in dashboard/ type-checks against the same declarations.

export interface StudyPlotsResponse {
  studyId: number;
  objective: number;
  /** Trials the plots were computed from. */
  trialCount: number;
  generatedAt: string;
  plots: StudyPlots;
}

export interface ImportancesResponse {
  studyId: number;
  objective: number;
  /** Most important first; null until two completed trials share a parameter. */
  importances: readonly ParamImportance[] | null;
}
