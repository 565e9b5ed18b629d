import type { FrozenTrial } from '../trial/frozen-trial';
import { plotObjective, scoredTrials, type PlotObjective, type PlotStudy } from './plot-common';

export interface EmpiricalDistributionOptions {
  /** Which objective to show. @defaultValue 0 */
  readonly objective?: number;
}

/** F(value): the fraction of completed trials whose value is <= value. */
export interface EdfPoint {
  readonly value: number;
  readonly fraction: number;
}

export interface EmpiricalDistributionData {
  readonly kind: 'empirical-distribution';
  readonly objective: PlotObjective;
  /** One point per distinct value, increasing; draw as a step line (the EDF jumps at each point). */
  readonly points: readonly EdfPoint[];
  /** How many completed values the EDF is made of. */
  readonly count: number;
}

/**
 * The empirical distribution function of the objective values (Optuna's `plot_edf`): F(v) = #{values
 * <= v} / n over completed trials. Comparing the curves of two samplers shows which one puts more
 * trials at good values, independently of when it found them.
 */
export function empiricalDistribution(
  trials: readonly FrozenTrial[],
  study: PlotStudy,
  options: EmpiricalDistributionOptions = {},
): EmpiricalDistributionData {
  const objective = plotObjective(study, options.objective);
  const values = scoredTrials(trials, objective.index)
    .map((s) => s.value)
    .sort((a, b) => a - b);
  const n = values.length;
  const points: EdfPoint[] = [];
  for (let i = 0; i < n; i++) {
    // Ties collapse onto the last of them, where F has counted them all.
    if (i + 1 < n && values[i + 1] === values[i]) continue;
    points.push({ value: values[i], fraction: (i + 1) / n });
  }
  return { kind: 'empirical-distribution', objective, points, count: n };
}
