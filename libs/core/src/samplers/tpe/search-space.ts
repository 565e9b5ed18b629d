import { isSingle, type Distribution } from '../../distributions';
import type { SearchSpace } from '../sampler';
import type { HistoryIndex } from './history-index';

/** `space` without its single-valued distributions (nothing to model there), in the same order. */
export function withoutSingleValued(space: SearchSpace): SearchSpace {
  const out: SearchSpace = {};
  for (const [name, d] of Object.entries(space)) if (!isSingle(d)) out[name] = d;
  return out;
}

/**
 * The group decomposition of the finished trials' spaces (Optuna's `_GroupDecomposedSearchSpace`):
 * a partition of every parameter seen into groups such that each trial has either all or none of a
 * group. Each new trial's parameter set splits the groups it cuts: G ∩ T and G \ T, and the
 * parameters never seen before form a new group. Conditional spaces decompose into their branches
 * (`model` | svm params | mlp params), and each branch gets its own joint model.
 */
export class GroupDecomposedSearchSpace {
  private groups: Map<string, Distribution>[] = [];
  private synced = 0;

  /** The groups over the index's trials, each without single-valued distributions and sorted by name. */
  calculate(index: HistoryIndex): SearchSpace[] {
    for (; this.synced < index.count; this.synced++) this.add(index.trialAt(this.synced).distributions);
    return this.groups.map(sortedSpace).filter((g) => Object.keys(g).length > 0);
  }

  private add(dists: Readonly<Record<string, Distribution>>): void {
    const fresh = new Map(Object.entries(dists));
    const next: Map<string, Distribution>[] = [];
    for (const group of this.groups) {
      const inside = new Map<string, Distribution>();
      const outside = new Map<string, Distribution>();
      for (const [name, d] of group) {
        if (fresh.has(name)) inside.set(name, d);
        else outside.set(name, d);
        fresh.delete(name);
      }
      if (inside.size > 0) next.push(inside);
      if (outside.size > 0) next.push(outside);
    }
    if (fresh.size > 0) next.push(fresh);
    this.groups = next;
  }
}

function sortedSpace(space: Map<string, Distribution>): SearchSpace {
  const out: SearchSpace = {};
  for (const name of [...space.keys()].sort()) {
    const d = space.get(name)!;
    if (!isSingle(d)) out[name] = d;
  }
  return out;
}
