import { InvalidArgumentError } from '../errors';
import { isFeasible, trialConstraints } from '../multi-objective/constraints';
import { dominates } from '../study/pareto';
import type { FrozenTrial } from '../trial/frozen-trial';
import { plotObjective, type PlotObjective, type PlotStudy } from './plot-common';

export interface ParetoFrontOptions {
  /**
   * The two or three objectives to draw, by index. Dominance is always judged on all objectives.
   * @defaultValue every objective, for a study of two or three
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
  /** 2 or 3: how many axes to draw. */
  readonly dimensions: 2 | 3;
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
  const selected = options.objectives ?? (n <= 3 ? study.directions.map((_, i) => i) : undefined);
  if (selected === undefined) {
    throw new InvalidArgumentError(`the study has ${n} objectives: choose 2 or 3 to draw with 'objectives'`);
  }
  if (selected.length !== 2 && selected.length !== 3) {
    throw new InvalidArgumentError(`objectives must name 2 or 3 objectives, got ${selected.length}`);
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
  return { kind: 'pareto-front', dimensions: selected.length as 2 | 3, objectives, points, constrained };
}
