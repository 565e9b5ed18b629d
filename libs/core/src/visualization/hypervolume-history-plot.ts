import { InvalidArgumentError } from '../errors';
import { hypervolumeHistory, type HypervolumePoint } from '../multi-objective/hypervolume-history';
import { DEFAULT_REFERENCE_POINT_RULE, defaultReferencePoint } from '../multi-objective/pareto-summary';
import type { FrozenTrial } from '../trial/frozen-trial';
import { plotObjective, type PlotObjective, type PlotStudy } from './plot-common';

export interface HypervolumeHistoryOptions {
  /**
   * The reference point, one coordinate per objective in the objectives' own units.
   * @defaultValue the default of GET /studies/:id/pareto and `best-trials` ({@link DEFAULT_REFERENCE_POINT_RULE})
   */
  readonly referencePoint?: readonly number[];
}

export interface HypervolumeHistoryData {
  readonly kind: 'hypervolume-history';
  readonly objectives: readonly PlotObjective[];
  /** Null when it is the default and no completed trial has finite values yet (then `points` is empty). */
  readonly referencePoint: readonly number[] | null;
  readonly referencePointSource: 'given' | 'default';
  /** How the default reference point is chosen, for the chart to say. */
  readonly referencePointRule: string;
  /**
   * After each finished trial (COMPLETE, PRUNED or FAIL), in number order: the hypervolume of the COMPLETE
   * feasible trials up to it. The last one is the hypervolume GET /studies/:id/pareto answers.
   */
  readonly points: readonly HypervolumePoint[];
}

/**
 * A multi-objective study's hypervolume as it grew (Optuna's `plot_hypervolume_history`). With the default
 * reference point, which is computed from every completed trial, the whole history is measured from the
 * same point, so it only grows; it moves as a whole when a new trial widens an objective's range.
 */
export function hypervolumeHistoryPlot(
  trials: readonly FrozenTrial[],
  study: PlotStudy,
  options: HypervolumeHistoryOptions = {},
): HypervolumeHistoryData {
  const { directions } = study;
  if (directions.length < 2) {
    throw new InvalidArgumentError(
      `a hypervolume history needs two objectives or more, the study has ${directions.length}`,
    );
  }
  const objectives = directions.map((_, i) => plotObjective(study, i));
  // A COMPLETE trial whose values are not finite (or not one per objective) adds no volume and must not
  // reach the hypervolume, which refuses NaN.
  const finished = trials.filter(
    (t) =>
      (t.state === 'COMPLETE' || t.state === 'PRUNED' || t.state === 'FAIL') &&
      !(
        t.state === 'COMPLETE' &&
        (t.values === null ||
          t.values.length !== directions.length ||
          !t.values.every((v) => Number.isFinite(v)))
      ),
  );
  const given = options.referencePoint;
  const referencePoint = given ? [...given] : defaultReferencePoint(finished, directions);
  return {
    kind: 'hypervolume-history',
    objectives,
    referencePoint,
    referencePointSource: given ? 'given' : 'default',
    referencePointRule: DEFAULT_REFERENCE_POINT_RULE,
    points: referencePoint ? hypervolumeHistory(finished, directions, referencePoint) : [],
  };
}
