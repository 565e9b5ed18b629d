import type { Distribution } from '../../distributions';
import type { StudyView } from '../../study/study-view';
import { lastStep, type FrozenTrial } from '../../trial/frozen-trial';
import { axisOf, toModel, type Axis } from './axis';

/** The trials TPE models: the finished ones with a value or a last step. */
export const FINISHED_STATES = ['COMPLETE', 'PRUNED'] as const;

/**
 * What TPE needs of the finished (COMPLETE and PRUNED) trials, kept up to date incrementally: the
 * history only grows and a finished trial never changes, so each trial is read once, by number.
 *
 * Every finished trial gets a slot (in the order the index met it) and a rank key, best first:
 * COMPLETE trials by value, then PRUNED ones by the step they reached (later is better) and their
 * value at that step (Optuna 3.1's order); ties go to the older trial. The ranking and the
 * trial-number order are sorted slot lists, kept sorted by insertion. A `Column` holds one
 * parameter's model-space values by slot and its slots sorted by value.
 */
export class HistoryIndex {
  private size = 0;
  private numbersBySlot = new Int32Array(64);
  private stepKey = new Float64Array(64);
  private valueKey = new Float64Array(64);
  private trialsBySlot: FrozenTrial[] = [];
  private rankingSlots = new Int32Array(64);
  private numberSlots = new Int32Array(64);
  private seen = new Uint8Array(64);
  private lastList: readonly FrozenTrial[] | null = null;
  private sign = 1;
  private readonly columns = new Map<string, Column>();

  /** Number of finished trials indexed. */
  get count(): number {
    return this.size;
  }

  /** Slots best first (first `count` entries). Do not mutate. */
  get ranking(): Int32Array {
    return this.rankingSlots;
  }

  /** Slots in trial-number order (first `count` entries). Do not mutate. */
  get byNumber(): Int32Array {
    return this.numberSlots;
  }

  /** The trial number of a slot. */
  numberOf(slot: number): number {
    return this.numbersBySlot[slot];
  }

  /** Whether the slot's trial is COMPLETE (not PRUNED). */
  isComplete(slot: number): boolean {
    return this.stepKey[slot] === -Infinity;
  }

  /** The slot's rank value: a COMPLETE trial's value on the minimising scale (-value when maximising). */
  rankValue(slot: number): number {
    return this.valueKey[slot];
  }

  trialAt(slot: number): FrozenTrial {
    return this.trialsBySlot[slot];
  }

  /** Reads the trials that finished since the last call (a no-op when the study's list is unchanged). */
  sync(study: StudyView): void {
    const finished = study.getTrials(FINISHED_STATES);
    if (finished === this.lastList) return;
    this.lastList = finished;
    this.sign = study.directions[0] === 'maximize' ? -1 : 1;
    for (const t of finished) {
      if (t.number < this.seen.length && this.seen[t.number]) continue;
      this.add(t);
    }
  }

  /** The column of parameter `name` as distributed by `distribution`, brought up to date. */
  column(name: string, distribution: Distribution): Column {
    const key = `${name}\u0000${JSON.stringify(distribution)}`;
    let col = this.columns.get(key);
    if (!col) {
      col = new Column(name, distribution);
      this.columns.set(key, col);
    }
    col.update(this);
    return col;
  }

  private add(t: FrozenTrial): void {
    if (t.number >= this.seen.length) this.seen = grow(this.seen, t.number + 1);
    this.seen[t.number] = 1;
    const slot = this.size;
    if (slot >= this.numbersBySlot.length) {
      const cap = 2 * this.numbersBySlot.length;
      this.numbersBySlot = grow(this.numbersBySlot, cap);
      this.stepKey = grow(this.stepKey, cap);
      this.valueKey = grow(this.valueKey, cap);
      this.rankingSlots = grow(this.rankingSlots, cap);
      this.numberSlots = grow(this.numberSlots, cap);
    }
    this.numbersBySlot[slot] = t.number;
    this.trialsBySlot.push(t);
    if (t.state === 'COMPLETE') {
      this.stepKey[slot] = -Infinity;
      this.valueKey[slot] = this.signed(t.values?.[0]);
    } else {
      // PRUNED: ranked by (-last step, value at that step); without any report, last of all.
      const step = lastStep(t);
      this.stepKey[slot] = step === null ? Infinity : -step;
      this.valueKey[slot] = step === null ? 0 : this.signed(t.intermediateValues[step]);
    }
    this.size++;
    insertSorted(this.rankingSlots, slot, this.size, (a, b) => this.compareRank(a, b));
    insertSorted(this.numberSlots, slot, this.size, (a, b) => this.numbersBySlot[a] - this.numbersBySlot[b]);
  }

  private signed(v: number | undefined): number {
    return v === undefined || Number.isNaN(v) ? Infinity : this.sign * v;
  }

  private compareRank(a: number, b: number): number {
    return (
      cmp(this.stepKey[a], this.stepKey[b]) ||
      cmp(this.valueKey[a], this.valueKey[b]) ||
      this.numbersBySlot[a] - this.numbersBySlot[b]
    );
  }
}

/** One parameter's values over the finished trials that have it (with a compatible value). */
export class Column {
  readonly axis: Axis;
  /** 1 when the slot's trial has the parameter. */
  has = new Uint8Array(64);
  /** Model-space value by slot (categorical: the choice's index). */
  value = new Float64Array(64);
  /** Slots that have the parameter, sorted by value (first `size`). */
  byValue = new Int32Array(64);
  size = 0;
  private synced = 0;

  constructor(
    readonly name: string,
    readonly distribution: Distribution,
  ) {
    this.axis = axisOf(distribution);
  }

  /** The model-space value of this parameter in `trial`, or null when it is absent or out of range. */
  valueOf(trial: FrozenTrial): number | null {
    if (!(this.name in trial.params)) return null;
    const d = this.distribution;
    const external = trial.params[this.name];
    const own = trial.distributions[this.name];
    if (own && own.type !== d.type) return null;
    if (d.type === 'categorical') {
      const i = d.choices.indexOf(external as never);
      return i < 0 ? null : i;
    }
    if (typeof external !== 'number') return null;
    const v = external;
    if (!(v >= d.low && v <= d.high)) return null;
    return toModel(this.axis, v);
  }

  update(index: HistoryIndex): void {
    const n = index.count;
    if (n > this.has.length) {
      const cap = Math.max(2 * this.has.length, n);
      this.has = grow(this.has, cap);
      this.value = grow(this.value, cap);
      this.byValue = grow(this.byValue, cap);
    }
    for (let slot = this.synced; slot < n; slot++) {
      const v = this.valueOf(index.trialAt(slot));
      if (v === null) continue;
      this.has[slot] = 1;
      this.value[slot] = v;
      this.size++;
      insertSorted(this.byValue, slot, this.size, (a, b) => this.value[a] - this.value[b] || a - b);
    }
    this.synced = n;
  }
}

function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Puts `slot` (already counted in `size`) at its sorted place among the first size - 1 entries. */
function insertSorted(
  list: Int32Array,
  slot: number,
  size: number,
  compare: (a: number, b: number) => number,
): void {
  let lo = 0;
  let hi = size - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(list[mid], slot) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.copyWithin(lo + 1, lo, size - 1);
  list[lo] = slot;
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T, capacity: number): T {
  if (capacity <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(capacity, 2 * a.length));
  b.set(a);
  return b;
}
