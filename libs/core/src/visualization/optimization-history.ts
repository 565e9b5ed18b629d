import type { FrozenTrial } from '../trial/frozen-trial';
import { isBetter, plotObjective, scoredTrials, type PlotObjective, type PlotStudy } from './plot-common';

/** A trial's value at its trial number. */
export interface TrialPoint {
  readonly number: number;
  readonly value: number;
}

/** The history of one objective: every completed value, and the best value found up to each of them. */
export interface HistorySeries {
  readonly objective: PlotObjective;
  /** Completed trials in number order. */
  readonly values: readonly TrialPoint[];
  /** The best value so far at each point of `values` (a step line). */
  readonly bestSoFar: readonly TrialPoint[];
  /** The trial that holds the best value at the end; null when nothing completed. */
  readonly bestTrialNumber: number | null;
}

export interface OptimizationHistoryData {
  readonly kind: 'optimization-history';
  /** One series per objective, in objective order. */
  readonly series: readonly HistorySeries[];
}

/**
 * The optimization history (Optuna's `plot_optimization_history`): each completed trial's value by trial
 * number, and the best-so-far line, for every objective. Pruned and failed trials carry no final value
 * and are left out, as in Optuna.
 */
export function optimizationHistory(
  trials: readonly FrozenTrial[],
  study: PlotStudy,
): OptimizationHistoryData {
  const series = study.directions.map((_, index) => {
    const objective = plotObjective(study, index);
    const values: TrialPoint[] = [];
    const bestSoFar: TrialPoint[] = [];
    let best: TrialPoint | null = null;
    for (const { trial, value } of scoredTrials(trials, index)) {
      const point = { number: trial.number, value };
      values.push(point);
      if (best === null || isBetter(value, best.value, objective.direction)) best = point;
      bestSoFar.push({ number: trial.number, value: best.value });
    }
    return { objective, values, bestSoFar, bestTrialNumber: best?.number ?? null };
  });
  return { kind: 'optimization-history', series };
}
