import type {
  ImportancesResponse,
  StudyPlotsResponse,
  StudyResponse,
  TrialResponse,
} from '@tuneforge/platform';

export type { ImportancesResponse, StudyPlotsResponse, StudyResponse, TrialResponse };

/** `GET /studies/:id/trials`, one page. */
export interface TrialPage {
  total: number;
  offset: number;
  limit: number;
  items: TrialResponse[];
}

const TOKEN_KEY = 'tuneforge-token';

/** The API token, when the operator requires it for reads (kept for this browser tab only). */
export function savedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Dispatched on `window` when a token is saved, so that every view reads again at once. */
export const TOKEN_SAVED_EVENT = 'tuneforge-token-saved';

export function saveToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  if (token) window.dispatchEvent(new Event(TOKEN_SAVED_EVENT));
}

export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const token = savedToken();
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

/** An answer that is not 2xx; `status` 401 means the reads need the token. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: authHeaders({ accept: 'application/json' }), signal });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, message);
  }
  return (await res.json()) as T;
}

const PAGE = 1000;

/** Every trial of a study, page after page, in number order. */
export async function allTrials(studyId: number, signal?: AbortSignal): Promise<TrialResponse[]> {
  const trials: TrialResponse[] = [];
  for (;;) {
    const page = await getJson<TrialPage>(
      `/studies/${studyId}/trials?limit=${PAGE}&offset=${trials.length}`,
      signal,
    );
    trials.push(...page.items);
    if (page.items.length === 0 || trials.length >= page.total) return trials;
  }
}
