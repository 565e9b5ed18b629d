import { InvalidArgumentError } from '../errors';
import type { FrozenTrial } from '../trial/frozen-trial';
import { interpolateGrid } from './interpolate-grid';
import {
  axisAtFraction,
  axisCoordinate,
  axisFraction,
  paramAxis,
  selectParams,
  type ParamAxis,
} from './param-axis';
import { plotObjective, scoredTrials, type PlotObjective, type PlotStudy } from './plot-common';

export interface ContourOptions {
  /** Which objective to show. @defaultValue 0 */
  readonly objective?: number;
  /** Parameters to pair up, in this order. @defaultValue every parameter, sorted by name */
  readonly params?: readonly string[];
  /** Grid nodes per numeric axis (a category axis has one node per category). 0 gives no grid. @defaultValue 30 */
  readonly gridSize?: number;
}

export interface ContourPoint {
  readonly number: number;
  readonly x: number;
  readonly y: number;
  readonly value: number;
}

/** An interpolated surface: z[j][i] is the estimate at (xs[i], ys[j]). */
export interface ContourGrid {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly z: readonly (readonly number[])[];
}

/** One pair of parameters: x is the earlier of the two in the parameter order. */
export interface ContourPair {
  readonly x: ParamAxis;
  readonly y: ParamAxis;
  /** The completed trials that have both parameters. */
  readonly points: readonly ContourPoint[];
  /** null when fewer than two trials have both parameters, or when gridSize is 0. */
  readonly grid: ContourGrid | null;
}

export interface ContourData {
  readonly kind: 'contour';
  readonly objective: PlotObjective;
  readonly params: readonly string[];
  /** Every pair (params[i], params[j]) with i < j, in that order. */
  readonly pairs: readonly ContourPair[];
}

const DEFAULT_GRID_SIZE = 30;

/** Grid node coordinates along an axis: one per category, else `size` evenly spaced (in log space on log axes). */
function gridNodes(axis: ParamAxis, size: number): number[] {
  if (axis.categories !== null) return axis.categories.map((_, i) => i);
  if (axis.range[0] === axis.range[1]) return [axis.range[0]];
  return Array.from({ length: size }, (_, i) => axisAtFraction(axis, i / (size - 1)));
}

/**
 * The contour plot (Optuna's `plot_contour`): for each pair of parameters, the completed trials as
 * points and an interpolated surface of the objective over the pair's ranges. Distances are measured
 * in axis fractions (log axes in log space, categories spread evenly), so no parameter's units dominate.
 * The surface is a guide between the points, not a model: it ignores the other parameters.
 */
export function contourPlot(
  trials: readonly FrozenTrial[],
  study: PlotStudy,
  options: ContourOptions = {},
): ContourData {
  const objective = plotObjective(study, options.objective);
  const gridSize = options.gridSize ?? DEFAULT_GRID_SIZE;
  if (!Number.isInteger(gridSize) || gridSize < 0 || gridSize === 1) {
    throw new InvalidArgumentError(`gridSize must be 0 or an integer >= 2, got ${gridSize}`);
  }
  const params = selectParams(trials, options.params);
  const scored = scoredTrials(trials, objective.index);
  const axes = new Map(params.map((p) => [p, paramAxis(trials, p)]));
  const pairs: ContourPair[] = [];
  for (let i = 0; i < params.length; i++) {
    for (let j = i + 1; j < params.length; j++) {
      const x = axes.get(params[i])!;
      const y = axes.get(params[j])!;
      const points = scored
        .filter((s) => x.name in s.trial.params && y.name in s.trial.params)
        .map(({ trial, value }) => ({
          number: trial.number,
          x: axisCoordinate(x, trial.params[x.name]),
          y: axisCoordinate(y, trial.params[y.name]),
          value,
        }));
      let grid: ContourGrid | null = null;
      if (gridSize > 0 && points.length >= 2) {
        const xs = gridNodes(x, gridSize);
        const ys = gridNodes(y, gridSize);
        const unit = points.map((p) => ({
          u: axisFraction(x, p.x),
          v: axisFraction(y, p.y),
          value: p.value,
        }));
        const z = interpolateGrid(
          unit,
          xs.map((c) => axisFraction(x, c)),
          ys.map((c) => axisFraction(y, c)),
        );
        grid = { xs, ys, z };
      }
      pairs.push({ x, y, points, grid });
    }
  }
  return { kind: 'contour', objective, params, pairs };
}
