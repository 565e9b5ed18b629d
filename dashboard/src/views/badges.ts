import type { TrialState } from '@tuneforge/core';
import { h } from '../dom';

export const TRIAL_STATES: readonly TrialState[] = ['COMPLETE', 'PRUNED', 'FAIL', 'RUNNING', 'WAITING'];

export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `badge state-${state}` }, state.toLowerCase());
}

/** Trial counts as a bar of coloured segments, with the numbers beside it. */
export function countsBar(counts: Record<TrialState, number>): HTMLElement {
  const total = TRIAL_STATES.reduce((s, k) => s + (counts[k] ?? 0), 0);
  const bar = h('div', { class: 'counts-bar', title: `${total} trials` });
  for (const state of TRIAL_STATES) {
    const n = counts[state] ?? 0;
    if (n > 0) bar.appendChild(h('span', { class: `seg state-${state}`, style: `flex-grow: ${n}` }));
  }
  const numbers = TRIAL_STATES.filter((s) => (counts[s] ?? 0) > 0).map((s) =>
    h('span', { class: `count state-${s}`, 'data-state': s }, `${counts[s]} ${s.toLowerCase()}`),
  );
  return h('div', { class: 'counts' }, bar, h('div', { class: 'count-list' }, ...numbers));
}
