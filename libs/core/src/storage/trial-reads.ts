import { totalViolation } from '../multi-objective/constraints';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection, TrialState } from '../trial/trial-state';

/**
 * Orders of a trial listing: by number, or by the first value with trials without a value last (in
 * number order). Ties of value go by number upwards in both value orders; NaN comes after every number
 * in both.
 */
export const TRIAL_ORDERS = ['number', '-number', 'value', '-value'] as const;
export type TrialOrder = (typeof TRIAL_ORDERS)[number];

/**
 * Where a page ends, for the next to start after it (keyset paging): the last trial's number and, in a
 * value order, its first value (null for a trial without one).
 */
export interface TrialPosition {
  readonly number: number;
  readonly value?: number | null;
}

export interface TrialPageQuery {
  /** Only trials in this state. */
  readonly state?: TrialState;
  readonly order: TrialOrder;
  /** Start after this trial (the `next` of the previous page); `offset` is then ignored. */
  readonly after?: TrialPosition | null;
  /** Trials skipped from the start of the order (read and dropped: its cost grows with it). */
  readonly offset?: number;
  readonly limit: number;
}

export interface TrialPage {
  readonly trials: FrozenTrial[];
  /** Where the next page starts, or null when this one reaches the end. */
  readonly next: TrialPosition | null;
}

/** The first value of a trial, or null; what the value orders sort on. */
export function firstValue(t: FrozenTrial): number | null {
  return t.values && t.values.length > 0 ? t.values[0] : null;
}

/** Compares two positions in an order (negative: `a` comes first). */
export function comparePositions(order: TrialOrder, a: TrialPosition, b: TrialPosition): number {
  if (order === 'number') return a.number - b.number;
  if (order === '-number') return b.number - a.number;
  const va = a.value ?? null;
  const vb = b.value ?? null;
  if (va === null || vb === null) {
    if (va !== vb) return va === null ? 1 : -1;
    return a.number - b.number;
  }
  const nanA = Number.isNaN(va);
  const nanB = Number.isNaN(vb);
  if (nanA !== nanB) return nanA ? 1 : -1;
  if (!nanA && va !== vb) {
    const first = order === 'value' ? va < vb : va > vb;
    return first ? -1 : 1;
  }
  return a.number - b.number;
}

/** The position of a trial in an order. */
export function positionOf(order: TrialOrder, t: FrozenTrial): TrialPosition {
  return order === 'number' || order === '-number'
    ? { number: t.number }
    : { number: t.number, value: firstValue(t) };
}

/** A page of `trials` (all of a study, any order): what `Storage.getTrialPage` returns by default. */
export function pageOfTrials(trials: readonly FrozenTrial[], query: TrialPageQuery): TrialPage {
  const { order, after, limit } = query;
  const selected = trials
    .filter((t) => query.state === undefined || t.state === query.state)
    .map((t) => ({ t, p: positionOf(order, t) }))
    .sort((a, b) => comparePositions(order, a.p, b.p));
  const start = after
    ? selected.findIndex((x) => comparePositions(order, x.p, after) > 0)
    : Math.min(query.offset ?? 0, selected.length);
  const from = start < 0 ? selected.length : start;
  const page = selected.slice(from, from + limit);
  const more = from + limit < selected.length;
  return { trials: page.map((x) => x.t), next: more ? page[page.length - 1].p : null };
}

/**
 * The best of a single-objective study's COMPLETE trials: the least constraint violation first (a
 * feasible trial before any infeasible one), then the best value, then the lowest number.
 */
export function bestOfTrials(trials: readonly FrozenTrial[], direction: StudyDirection): FrozenTrial | null {
  const sign = direction === 'minimize' ? 1 : -1;
  let best: FrozenTrial | null = null;
  let bestRank: [number, number] = [Infinity, Infinity];
  for (const t of trials) {
    if (t.state !== 'COMPLETE' || !t.values) continue;
    const rank: [number, number] = [totalViolation(t), sign * t.values[0]];
    if (!best || rank[0] < bestRank[0] || (rank[0] === bestRank[0] && rank[1] < bestRank[1])) {
      best = t;
      bestRank = rank;
    }
  }
  return best;
}

/** Trials of a study by state, all five states present. */
export function countByState(trials: readonly FrozenTrial[]): Record<TrialState, number> {
  const counts: Record<TrialState, number> = { WAITING: 0, RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAIL: 0 };
  for (const t of trials) counts[t.state]++;
  return counts;
}
