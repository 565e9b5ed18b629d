import {
  addLeaseAttrs,
  distributionFromJson,
  isTrialState,
  toExternal,
  type Distribution,
  type FrozenTrial,
  type JsonObject,
  type JsonValue,
  type ParamValue,
  type StudyDirection,
  type StudyRecord,
} from '@tuneforge/core';

/**
 * Conversions between database rows and the core's types, shared by both dialects. JSON columns are
 * text; times are epoch milliseconds (Postgres returns bigint as a string, SQLite as a number).
 */

/**
 * A trial as both backends read it: the trial row plus its params and intermediate values. Its lease
 * columns (`worker_id`, `attempt`) are the one stored home of the `platform:worker` and
 * `platform:attempt` system attributes, which every read adds to the stored ones (see LEASE_ATTRS).
 */
export interface TrialRow {
  trial_id: number;
  number: number;
  state: string;
  values: string | null;
  datetime_start: number | string | null;
  datetime_complete: number | string | null;
  user_attrs: string;
  system_attrs: string;
  /** The worker of the last claim (null before one and after a requeue). */
  worker_id: string | null;
  /** Claims so far. */
  attempt: number;
  /** [name, internal value, distribution JSON] in suggestion order. */
  params: ReadonlyArray<readonly [string, number, string]> | null;
  /** [step, value] with null standing for NaN (Postgres may send non-finite values as strings). */
  intermediate: ReadonlyArray<readonly [number | string, number | string | null]> | null;
}

export interface StudyRow {
  study_id: number;
  study_name: string;
  directions: string;
  user_attrs: string;
  system_attrs: string;
  created_at: number | string;
}

export function toNumberOrNull(v: number | string | null): number | null {
  return v === null ? null : Number(v);
}

export function encodeJson(value: JsonValue | JsonObject): string {
  return JSON.stringify(value) ?? 'null';
}

export function decodeObject(text: string): JsonObject {
  return text === '{}' ? {} : (JSON.parse(text) as JsonObject);
}

/** Objective values: JSON has no Infinity or NaN, so those travel as strings. */
export function encodeValues(values: readonly number[] | null): string | null {
  if (values === null) return null;
  return JSON.stringify(values.map((v) => (Number.isFinite(v) ? v : String(v))));
}

export function decodeValues(text: string | null): number[] | null {
  if (text === null) return null;
  return (JSON.parse(text) as Array<number | string>).map(Number);
}

/** Intermediate values: NaN is stored as NULL (SQLite turns NaN into NULL anyway). */
export function encodeIntermediate(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

export function decodeIntermediate(value: number | string | null): number {
  return value === null ? NaN : Number(value);
}

/**
 * Parses distribution JSON once per distinct text: a study has a handful of distributions and
 * thousands of params, so loading a long history mostly hits this cache. Entries are frozen, as
 * every trial shares them.
 */
export class DistributionCache {
  private readonly byText = new Map<string, Distribution>();

  parse(text: string): Distribution {
    let d = this.byText.get(text);
    if (!d) {
      d = distributionFromJson(JSON.parse(text));
      if (d.type === 'categorical') Object.freeze(d.choices);
      Object.freeze(d);
      if (this.byText.size > 10_000) this.byText.clear();
      this.byText.set(text, d);
    }
    return d;
  }
}

export function toStudyRecord(row: StudyRow): StudyRecord {
  return {
    studyId: row.study_id,
    studyName: row.study_name,
    directions: JSON.parse(row.directions) as StudyDirection[],
    userAttrs: decodeObject(row.user_attrs),
    systemAttrs: decodeObject(row.system_attrs),
    createdAt: Number(row.created_at),
  };
}

export function toFrozenTrial(row: TrialRow, distributions: DistributionCache): FrozenTrial {
  if (!isTrialState(row.state))
    throw new Error(`Trial id ${row.trial_id} has an unknown state '${row.state}'.`);
  const params: Record<string, ParamValue> = {};
  const dists: Record<string, Distribution> = {};
  if (row.params) {
    for (const [name, internal, text] of row.params) {
      const d = distributions.parse(text);
      dists[name] = d;
      params[name] = toExternal(d, internal);
    }
  }
  const intermediateValues: Record<number, number> = {};
  if (row.intermediate) {
    for (const [step, value] of row.intermediate)
      intermediateValues[Number(step)] = decodeIntermediate(value);
  }
  return {
    trialId: row.trial_id,
    number: row.number,
    state: row.state,
    values: decodeValues(row.values),
    params,
    distributions: dists,
    intermediateValues,
    userAttrs: decodeObject(row.user_attrs),
    systemAttrs: addLeaseAttrs(decodeObject(row.system_attrs), row.worker_id, Number(row.attempt)),
    datetimeStart: toNumberOrNull(row.datetime_start),
    datetimeComplete: toNumberOrNull(row.datetime_complete),
  };
}

/**
 * A set of trials as columns: what the bulk reads of both dialects return, as JSON text built by
 * the database (`json_agg` / `json_group_array`). One JSON.parse per column set is much cheaper than
 * a driver's row-by-row decoding, and each distinct distribution travels once (`dists`), params
 * pointing at it by index.
 */
export interface TrialColumnsText {
  /**
   * [trial_id[], number[], state[], values[], datetime_start[], datetime_complete[], user_attrs[],
   * system_attrs[], worker_id[], attempt[]]
   */
  trials: string | null;
  /** [param_id[], trial_id[], name[], internal_value[], distribution index[]] */
  params: string | null;
  /** Distinct distribution JSON texts. */
  dists: string | null;
  /** [trial_id[], step[], value[]] */
  ivs: string | null;
}

type Column<T> = T[] | null;
const EMPTY = Object.freeze({}) as Readonly<Record<string, never>>;

function columns(text: string | null, width: number): Array<Column<unknown>> {
  const parsed = text === null ? null : (JSON.parse(text) as Array<Column<unknown>> | unknown[]);
  if (!parsed || parsed.length === 0) return Array.from({ length: width }, () => null);
  return parsed as Array<Column<unknown>>;
}

function isIncreasing(xs: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] < xs[i - 1]) return false;
  return true;
}

/** Index order that sorts `keys` ascending (identity when already sorted). */
function order(keys: number[]): number[] {
  const idx = keys.map((_, i) => i);
  return isIncreasing(keys) ? idx : idx.sort((a, b) => keys[a] - keys[b]);
}

/**
 * Builds FrozenTrials (in number order, params in suggestion order) from columns. Empty params,
 * distributions, intermediate values and attributes share one frozen empty object.
 */
export function decodeTrialColumns(text: TrialColumnsText, distributions: DistributionCache): FrozenTrial[] {
  const [ids, numbers, states, values, starts, completes, userAttrs, systemAttrs, workers, attempts] =
    columns(text.trials, 10) as [
      Column<number>,
      Column<number>,
      Column<string>,
      Column<string | null>,
      Column<number | string | null>,
      Column<number | string | null>,
      Column<string>,
      Column<string>,
      Column<string | null>,
      Column<number>,
    ];
  if (!ids || ids.length === 0) return [];
  const n = ids.length;
  const slot = new Map<number, number>();
  for (let i = 0; i < n; i++) slot.set(ids[i], i);

  const params: Array<Record<string, ParamValue> | undefined> = new Array(n);
  const dists: Array<Record<string, Distribution> | undefined> = new Array(n);
  const [paramIds, paramTrials, names, internals, distIdx] = columns(text.params, 5) as [
    Column<number>,
    Column<number>,
    Column<string>,
    Column<number>,
    Column<number>,
  ];
  if (paramIds && paramIds.length > 0) {
    const table = (JSON.parse(text.dists ?? '[]') as string[]).map((t) => distributions.parse(t));
    for (const p of order(paramIds)) {
      const i = slot.get(paramTrials![p]);
      if (i === undefined) continue;
      const d = table[distIdx![p]];
      (params[i] ??= {})[names![p]] = toExternal(d, internals![p]);
      (dists[i] ??= {})[names![p]] = d;
    }
  }

  const ivs: Array<Record<number, number> | undefined> = new Array(n);
  const [ivTrials, steps, ivValues] = columns(text.ivs, 3) as [
    Column<number>,
    Column<number | string>,
    Column<number | string | null>,
  ];
  if (ivTrials) {
    for (let k = 0; k < ivTrials.length; k++) {
      const i = slot.get(ivTrials[k]);
      if (i !== undefined) (ivs[i] ??= {})[Number(steps![k])] = decodeIntermediate(ivValues![k]);
    }
  }

  const out: FrozenTrial[] = new Array(n);
  const byNumber = order(numbers!);
  for (let k = 0; k < n; k++) {
    const i = byNumber[k];
    const state = states![i];
    if (!isTrialState(state)) throw new Error(`Trial id ${ids[i]} has an unknown state '${state}'.`);
    const system = systemAttrs![i];
    const worker = workers![i];
    const attempt = attempts![i];
    out[k] = {
      trialId: ids[i],
      number: numbers![i],
      state,
      values: decodeValues(values![i]),
      params: params[i] ?? EMPTY,
      distributions: dists[i] ?? EMPTY,
      intermediateValues: ivs[i] ?? EMPTY,
      userAttrs: userAttrs![i] === '{}' ? EMPTY : decodeObject(userAttrs![i]),
      // The lease attributes come from their columns (see TrialRow).
      systemAttrs:
        worker === null && attempt === 0
          ? system === '{}'
            ? EMPTY
            : decodeObject(system)
          : addLeaseAttrs(decodeObject(system), worker, attempt),
      datetimeStart: toNumberOrNull(starts![i]),
      datetimeComplete: toNumberOrNull(completes![i]),
    };
  }
  return out;
}
