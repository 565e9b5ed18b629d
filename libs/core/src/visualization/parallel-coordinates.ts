import type { FrozenTrial } from '../trial/frozen-trial';
import { axisCoordinate, paramAxis, selectParams, type ParamAxis } from './param-axis';
import { plotObjective, scoredTrials, type PlotObjective, type PlotStudy } from './plot-common';

export interface ParallelCoordinatesOptions {
  /** Which objective to show. @defaultValue 0 */
  readonly objective?: number;
  /**
   * Parameters to show, in this order; trials missing one of them are left out.
   * @defaultValue the parameters every completed trial has, sorted by name
   */
  readonly params?: readonly string[];
}

/** One completed trial across the axes. */
export interface ParallelRow {
  readonly number: number;
  readonly value: number;
  /** One coordinate per dimension, in dimension order (a category's index on category axes). */
  readonly coordinates: readonly number[];
}

export interface ParallelCoordinatesData {
  readonly kind: 'parallel-coordinates';
  /** The objective, drawn as the first axis (and usually as the line colour). */
  readonly objective: PlotObjective;
  readonly dimensions: readonly ParamAxis[];
  readonly rows: readonly ParallelRow[];
}

/**
 * Parallel coordinates (Optuna's `plot_parallel_coordinate`): one line per completed trial through the
 * objective axis and one axis per parameter. Categorical parameters become their choice indices with the
 * labels on the axis. By default only the parameters every completed trial has, since a line cannot
 * cross an axis it has no value for (conditional parameters can be asked for explicitly).
 */
export function parallelCoordinates(
  trials: readonly FrozenTrial[],
  study: PlotStudy,
  options: ParallelCoordinatesOptions = {},
): ParallelCoordinatesData {
  const objective = plotObjective(study, options.objective);
  const scored = scoredTrials(trials, objective.index);
  const names =
    options.params === undefined
      ? selectParams(
          scored.map((s) => s.trial),
          undefined,
          true,
        )
      : selectParams(trials, options.params);
  const dimensions = names.map((n) => paramAxis(trials, n));
  const rows = scored
    .filter(({ trial }) => names.every((n) => n in trial.params))
    .map(({ trial, value }) => ({
      number: trial.number,
      value,
      coordinates: dimensions.map((axis) => axisCoordinate(axis, trial.params[axis.name])),
    }));
  return { kind: 'parallel-coordinates', objective, dimensions, rows };
}
