import { trialConstraints } from '../../multi-objective/constraints';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { GpInputEncoding } from './gp-input-encoding';
import { GpRegressor } from './gp-regressor';
import type { KernelParams } from './kernel-params';
import { standardize } from './standardize';

/** A constraint's GP (of the negated, standardized constraint value) and the value above which it holds. */
export interface ConstraintModel {
  gp: GpRegressor;
  threshold: number;
}

/**
 * Standardized values centred on the start-up trials' mean (the GP's prior mean: they fill the space, so
 * their mean estimates the average of f over it), with the map from a raw value to the same units.
 */
export function centredTarget(
  scores: readonly number[],
  isStartup: readonly boolean[],
): { y: Float64Array; toTarget: (v: number) => number } {
  const { y, mean, std, lo, hi } = standardize(scores);
  let startupMean = 0;
  let count = 0;
  scores.forEach((v, i) => {
    if (!isStartup[i]) return;
    startupMean += Math.min(hi, Math.max(lo, Number.isNaN(v) ? lo : v));
    count++;
  });
  const prior = count > 0 ? (startupMean / count - mean) / std : 0;
  for (let i = 0; i < y.length; i++) y[i] -= prior;
  return { y, toTarget: (v) => (v - mean) / std - prior };
}

/**
 * One GP per constraint of the trials (the longest `constraints` attribute among them; none when no trial has
 * one), on the negated constraint values: a constraint holds where the value is ≥ the threshold, the image of
 * 0. A trial without constraint values counts as 0 (on the boundary); a non-number as the worst value seen.
 *
 * @param fit - the kernel parameters for the target "constraint:c" and its standardized values
 */
export function constraintModels(
  trials: readonly FrozenTrial[],
  isStartup: readonly boolean[],
  encoding: GpInputEncoding,
  x: Float64Array,
  pending: Float64Array,
  fit: (target: string, y: Float64Array) => KernelParams,
): ConstraintModel[] {
  const values = trials.map(trialConstraints);
  const count = Math.max(0, ...values.map((c) => c?.length ?? 0));
  const models: ConstraintModel[] = [];
  for (let c = 0; c < count; c++) {
    const scores = values.map((v) => {
      const raw = v ? v[c] : 0;
      return raw === undefined || Number.isNaN(raw) ? -Infinity : -raw;
    });
    const target = centredTarget(scores, isStartup);
    const gp = new GpRegressor(
      x,
      target.y,
      encoding.isCategorical,
      fit(`constraint:${c}`, target.y),
      pending,
    );
    models.push({ gp, threshold: target.toTarget(0) });
  }
  return models;
}
