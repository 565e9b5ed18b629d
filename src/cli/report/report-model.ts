import {
  isFeasible,
  paretoSummary,
  studyPlots,
  totalViolation,
  trialConstraints,
  TRIAL_STATES,
  type FrozenTrial,
  type JsonObject,
  type ParamValue,
  type StudyDirection,
  type StudyPlots,
  type TrialState,
} from '@tuneforge/core';

/** What a report is made from: a study's identity and its trials, as any storage returns them. */
export interface ReportInput {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly trials: readonly FrozenTrial[];
  readonly userAttrs?: Readonly<JsonObject>;
  /** Where the study lives, shown in the header; credentials are masked before they are shown. */
  readonly storageUrl?: string;
  /** When the report is made, in epoch ms (also where running trials end on the timeline). */
  readonly generatedAt: number;
  /** Seed of the importance forest. @defaultValue 0 */
  readonly importanceSeed?: number;
}

/** A best trial as the report shows it. */
export interface ReportBestTrial {
  readonly number: number;
  readonly values: readonly number[];
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly durationMs: number | null;
}

/** The trial table: one header row, then one row per trial (cells as text; null for a missing cell). */
export interface ReportTable {
  readonly columns: readonly string[];
  readonly rows: readonly {
    readonly number: number;
    readonly state: TrialState;
    readonly cells: readonly (string | null)[];
  }[];
}

/** Everything the HTML page shows, as plain data (it is also embedded in the page as JSON). */
export interface ReportModel {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly storage: string | null;
  readonly generatedAt: string;
  readonly userAttrs: Readonly<JsonObject>;
  readonly counts: Readonly<Record<TrialState, number>>;
  readonly trialCount: number;
  /** From the first start to the last completion, in ms; null before any trial finished. */
  readonly wallTimeMs: number | null;
  /** The best trial, or the Pareto front of a multi-objective study; empty before any completes. */
  readonly best: readonly ReportBestTrial[];
  readonly plots: StudyPlots;
  readonly table: ReportTable;
}

/** A storage URL with any password replaced, so a report can be shared without the database's secret. */
export function maskStorageUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^/@]*@/i, '$1:***@');
}

function duration(t: FrozenTrial): number | null {
  return t.datetimeStart !== null && t.datetimeComplete !== null
    ? t.datetimeComplete - t.datetimeStart
    : null;
}

/**
 * The trials shown as best: the single best value (feasible trials first, then the least total constraint
 * violation, as the library's bestTrial), or the feasible Pareto front (as GET /studies/:id/pareto and
 * `best-trials` show it).
 */
function bestTrials(trials: readonly FrozenTrial[], directions: readonly StudyDirection[]): FrozenTrial[] {
  const complete = trials.filter(
    (t) => t.state === 'COMPLETE' && t.values !== null && t.values.every((v) => Number.isFinite(v)),
  );
  if (directions.length > 1) return paretoSummary(complete, directions).front;
  const sign = directions[0] === 'minimize' ? 1 : -1;
  let best: FrozenTrial | null = null;
  let bestViolation = Infinity;
  for (const t of complete) {
    const violation = totalViolation(t);
    if (
      best === null ||
      violation < bestViolation ||
      (violation === bestViolation && sign * t.values![0] < sign * best.values![0])
    ) {
      best = t;
      bestViolation = violation;
    }
  }
  return best === null ? [] : [best];
}

/** Numbers as the table shows them: short, but exact enough to tell two trials apart. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
}

function formatParam(v: ParamValue): string {
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

function trialTable(trials: readonly FrozenTrial[], directions: readonly StudyDirection[]): ReportTable {
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  const valueColumns = directions.length === 1 ? ['value'] : directions.map((_, i) => `values_${i}`);
  // A constrained study's trials say whether they are feasible (Optuna's dataframe has `constraints`).
  const constrained = trials.some((t) => trialConstraints(t) !== null);
  const columns = [
    'number',
    'state',
    ...valueColumns,
    ...(constrained ? ['feasible'] : []),
    ...names.map((n) => `params_${n}`),
    'duration_s',
    'datetime_start',
  ];
  const rows = [...trials]
    .sort((a, b) => a.number - b.number)
    .map((t) => {
      const ms = duration(t);
      return {
        number: t.number,
        state: t.state,
        cells: [
          String(t.number),
          t.state,
          ...valueColumns.map((_, i) =>
            t.values && t.values[i] !== undefined ? formatNumber(t.values[i]) : null,
          ),
          ...(constrained ? [trialConstraints(t) === null ? null : isFeasible(t) ? 'yes' : 'no'] : []),
          ...names.map((n) => (n in t.params ? formatParam(t.params[n]) : null)),
          ms === null ? null : (ms / 1000).toFixed(3),
          t.datetimeStart === null ? null : new Date(t.datetimeStart).toISOString(),
        ],
      };
    });
  return { columns, rows };
}

/** The report of a study: summary, best trial(s), every plot, importances and the trial table. */
export function buildReportModel(input: ReportInput): ReportModel {
  const { trials, directions } = input;
  const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<TrialState, number>;
  for (const t of trials) counts[t.state]++;
  let firstStart = Infinity;
  let lastEnd = -Infinity;
  for (const t of trials) {
    if (t.datetimeStart !== null) firstStart = Math.min(firstStart, t.datetimeStart);
    if (t.datetimeComplete !== null) lastEnd = Math.max(lastEnd, t.datetimeComplete);
  }
  return {
    studyName: input.studyName,
    directions: [...directions],
    storage: input.storageUrl === undefined ? null : maskStorageUrl(input.storageUrl),
    generatedAt: new Date(input.generatedAt).toISOString(),
    userAttrs: input.userAttrs ?? {},
    counts,
    trialCount: trials.length,
    wallTimeMs: Number.isFinite(firstStart) && Number.isFinite(lastEnd) ? lastEnd - firstStart : null,
    best: bestTrials(trials, directions).map((t) => ({
      number: t.number,
      values: t.values!,
      params: t.params,
      durationMs: duration(t),
    })),
    plots: studyPlots(
      trials,
      { directions },
      { now: input.generatedAt, importanceSeed: input.importanceSeed },
    ),
    table: trialTable(trials, directions),
  };
}
