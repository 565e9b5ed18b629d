import type { FrozenTrial } from '../trial/frozen-trial';
import { axisCoordinate, paramAxis, selectParams, type ParamAxis } from './param-axis';
import { plotObjective, scoredTrials, type PlotObjective, type PlotStudy } from './plot-common';

export interface SliceOptions {
  /** Which objective to show. @defaultValue 0 */
  readonly objective?: number;
  /** Parameters to show, in this order. @defaultValue every parameter of the trials, sorted by name */
  readonly params?: readonly string[];
}

/** One completed trial on a slice: its parameter coordinate and its value. */
export interface SlicePoint {
  readonly number: number;
  /** The parameter's value, or its category index on a category axis. */
  readonly x: number;
  readonly value: number;
}

export interface SliceParam {
  readonly axis: ParamAxis;
  /** The completed trials that have this parameter, in number order. */
  readonly points: readonly SlicePoint[];
}

export interface SliceData {
  readonly kind: 'slice';
  readonly objective: PlotObjective;
  readonly params: readonly SliceParam[];
}

/**
 * The slice plot (Optuna's `plot_slice`): for each parameter, the objective value of every completed
 * trial against that parameter's value. Trial numbers ride along so a chart can shade early and late
 * trials differently and link a point to its trial.
 */
export function slicePlot(
  trials: readonly FrozenTrial[],
  study: PlotStudy,
  options: SliceOptions = {},
): SliceData {
  const objective = plotObjective(study, options.objective);
  const scored = scoredTrials(trials, objective.index);
  const names = selectParams(trials, options.params);
  const params = names.flatMap((name) => {
    const having = scored.filter((s) => name in s.trial.params);
    if (having.length === 0) return [];
    // The axis comes from every trial, so slice, contour and parallel coordinates agree on it.
    const axis = paramAxis(trials, name);
    const points = having.map(({ trial, value }) => ({
      number: trial.number,
      x: axisCoordinate(axis, trial.params[name]),
      value,
    }));
    return [{ axis, points }];
  });
  return { kind: 'slice', objective, params };
}
