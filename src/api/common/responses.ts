import type { FrozenTrial, StudyRecord, TrialState } from '@tuneforge/core';
import { ATTEMPT_ATTR, isFeasible, paretoFront, totalViolation, WORKER_ATTR } from '@tuneforge/core';
import {
  LAST_FAILURE_ATTR,
  type PlatformStudyState,
  readStudyDefinition,
  STATE_ATTR,
  type StudyResponse,
  type TrialResponse,
} from '@tuneforge/platform';

// The JSON shapes (StudyResponse, TrialResponse) are declared in the platform library, libs/platform/src/api-types.ts,
// where the dashboard reads them too; this module builds them from the storage's records.

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toTrialResponse(t: FrozenTrial): TrialResponse {
  return {
    number: t.number,
    state: t.state,
    values: t.values,
    params: { ...t.params },
    intermediateValues: { ...t.intermediateValues },
    userAttrs: { ...t.userAttrs },
    systemAttrs: { ...t.systemAttrs },
    failReason: (t.systemAttrs.fail_reason as string | undefined) ?? null,
    worker: (t.systemAttrs[WORKER_ATTR] as string | undefined) ?? null,
    attempt: (t.systemAttrs[ATTEMPT_ATTR] as number | undefined) ?? 0,
    lastFailure: (t.systemAttrs[LAST_FAILURE_ATTR] as string | undefined) ?? null,
    datetimeStart: iso(t.datetimeStart),
    datetimeComplete: iso(t.datetimeComplete),
    durationMs:
      t.datetimeStart !== null && t.datetimeComplete !== null ? t.datetimeComplete - t.datetimeStart : null,
  };
}

export function emptyCounts(): Record<TrialState, number> {
  return { WAITING: 0, RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAIL: 0 };
}

/** The study as the API shows it; `complete` (when given) adds the best trial or the Pareto front. */
export function toStudyResponse(
  record: StudyRecord,
  counts: Record<TrialState, number>,
  complete?: readonly FrozenTrial[],
): StudyResponse {
  const response: StudyResponse = {
    id: record.studyId,
    name: record.studyName,
    directions: record.directions,
    state: (record.systemAttrs[STATE_ATTR] as PlatformStudyState | undefined) ?? 'EMBEDDED',
    createdAt: new Date(record.createdAt).toISOString(),
    definition: readStudyDefinition(record.studyName, record.systemAttrs),
    counts,
  };
  if (complete) {
    if (record.directions.length === 1) {
      const sign = record.directions[0] === 'minimize' ? 1 : -1;
      // As the library's bestTrial: the least violation first, then the value.
      const rank = (t: FrozenTrial): [number, number] => [totalViolation(t), sign * t.values![0]];
      let best: FrozenTrial | null = null;
      for (const t of complete) {
        if (!best) best = t;
        else {
          const [v, x] = rank(t);
          const [bv, bx] = rank(best);
          if (v < bv || (v === bv && x < bx)) best = t;
        }
      }
      response.best = best ? toTrialResponse(best) : null;
    } else {
      response.paretoFront = paretoFront(complete.filter(isFeasible), record.directions).map(toTrialResponse);
    }
  }
  return response;
}
