import { InvalidArgumentError } from '../errors';
import { isFeasible, trialConstraints } from '../multi-objective/constraints';
import { dominates } from '../study/pareto';
import type { FrozenTrial } from '../trial/frozen-trial';
import { plotObjective, type PlotObjective, type PlotStudy } from './plot-common';

export interface ParetoFrontOptions {
  /**
   * The objectives to draw, by index: two or more (two or three as Optuna's plot; more as a scatter matrix
   * of their pairs). Dominance is always judged on all objectives.
   * @defaultValue every objective
   */
  readonly objectives?: readonly number[];
}

export interface ParetoPoint {
  readonly number: number;
  /** The drawn objectives' values, in `objectives` order. */
  readonly values: readonly number[];
  /** Every constraint of the trial holds (≤ 0), or the study has none. */
  readonly feasible: boolean;
  /**
   * Not on the feasible front: the trial is infeasible, or another completed feasible trial is at least
   * as good in every objective and better in one (as GET /studies/:id/pareto and `best-trials` judge).
   */
  readonly dominated: boolean;
}

export interface ParetoFrontData {
  readonly kind: 'pareto-front';
  /** How many objectives are drawn (2 or more): the length of `objectives` and of each point's `values`. */
  readonly dimensions: number;
  readonly objectives: readonly PlotObjective[];
  /** Every completed trial with finite values, in number order. */
  readonly points: readonly ParetoPoint[];
  /** Some trial carries constraint values: the study is constrained, so charts tell infeasible trials apart. */
  readonly constrained: boolean;
}

/**
 * The Pareto front (Optuna's `plot_pareto_front`) of a multi-objective study: every completed trial in
 * objective space, the infeasible ones (a constraint > 0) flagged, and the feasible non-dominated ones
 * (the front) apart from the dominated ones. Dominance is judged among feasible trials only, so the front
 * is the one the REST API and the CLI show.
 */
export function paretoFrontPlot(
  trials: readonly FrozenTrial[],
  study: PlotStudy,
  options: ParetoFrontOptions = {},
): ParetoFrontData {
  const n = study.directions.length;
  if (n < 2)
    throw new InvalidArgumentError(`a Pareto front needs two objectives or more, the study has ${n}`);
  const selected = options.objectives ?? study.directions.map((_, i) => i);
  if (selected.length < 2) {
    throw new InvalidArgumentError(`objectives must name 2 objectives or more, got ${selected.length}`);
  }
  if (new Set(selected).size !== selected.length) {
    throw new InvalidArgumentError(`objectives must be distinct, got ${JSON.stringify(selected)}`);
  }
  const objectives = selected.map((i) => plotObjective(study, i));
  const complete = trials
    .filter(
      (t): t is FrozenTrial & { values: readonly number[] } =>
        t.state === 'COMPLETE' &&
        t.values !== null &&
        t.values.length === n &&
        t.values.every((v) => Number.isFinite(v)),
    )
    .sort((a, b) => a.number - b.number);
  const feasible = complete.filter(isFeasible);
  const feasibleSet = new Set(feasible);
  const points = complete.map((t) => {
    const ok = feasibleSet.has(t);
    return {
      number: t.number,
      values: selected.map((i) => t.values[i]),
      feasible: ok,
      dominated: !ok || feasible.some((o) => o !== t && dominates(o.values, t.values, study.directions)),
    };
  });
  const constrained = trials.some((t) => trialConstraints(t) !== null);
  return { kind: 'pareto-front', dimensions: selected.length, objectives, points, constrained };
}
