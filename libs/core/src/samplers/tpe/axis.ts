import type { CategoricalDistribution, Distribution, NumericDistribution } from '../../distributions';

/**
 * How the Parzen estimators see one parameter: its "model space". A numerical parameter lives on
 * [low, high], or on [log low, log high] when `log`; a stepped one (every int, floats with `step`)
 * is widened by half a step on each side, so that each grid value owns the bin
 * [v - step/2, v + step/2] (mapped through the log when `log`) and the kernels give it the mass of
 * that bin. A categorical parameter is the index of its choice.
 */
export interface NumericAxis {
  readonly kind: 'numerical';
  readonly distribution: NumericDistribution;
  readonly log: boolean;
  /** Grid step in the parameter's own units, or null for a continuous float. */
  readonly step: number | null;
  /** Model-space bounds (widened by step/2, then log-transformed when `log`). */
  readonly low: number;
  readonly high: number;
}

export interface CategoricalAxis {
  readonly kind: 'categorical';
  readonly distribution: CategoricalDistribution;
  readonly nChoices: number;
}

export type Axis = NumericAxis | CategoricalAxis;

/** The model space of a distribution. */
export function axisOf(d: Distribution): Axis {
  if (d.type === 'categorical') return { kind: 'categorical', distribution: d, nChoices: d.choices.length };
  const step = d.step;
  const f = d.log ? Math.log : (v: number) => v;
  const lo = step === null ? d.low : d.low - step / 2;
  const hi = step === null ? d.high : d.high + step / 2;
  return { kind: 'numerical', distribution: d, log: d.log, step, low: f(lo), high: f(hi) };
}

/** Internal value → model space (log for log axes; categorical indices unchanged). */
export function toModel(axis: Axis, internal: number): number {
  return axis.kind === 'numerical' && axis.log ? Math.log(internal) : internal;
}

/**
 * Model space → internal value: back from the log, onto the step grid (ints rounded), clipped to the
 * distribution's [low, high]. A categorical model value is already an index.
 */
export function fromModel(axis: Axis, x: number): number {
  if (axis.kind === 'categorical') return x;
  const d = axis.distribution;
  let v = axis.log ? Math.exp(x) : x;
  if (axis.step !== null) v = d.low + Math.round((v - d.low) / axis.step) * axis.step;
  if (d.type === 'int') v = Math.round(v);
  return Math.min(d.high, Math.max(d.low, v));
}

/** The model-space bin [lo, hi] of a grid value `internal` on a discrete axis. */
export function binOf(axis: NumericAxis, internal: number): [number, number] {
  const half = (axis.step ?? 0) / 2;
  return axis.log
    ? [Math.log(internal - half), Math.log(internal + half)]
    : [internal - half, internal + half];
}
