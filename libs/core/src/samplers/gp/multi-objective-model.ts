import { isFeasible } from '../../multi-objective/constraints';
import { nonDominatedBoxes } from '../../multi-objective/non-dominated-boxes';
import type { Rng } from '../../random/rng';
import { dominates } from '../../study/pareto';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { StudyDirection } from '../../trial/trial-state';
import type { GpInputEncoding } from './gp-input-encoding';
import { GpRegressor } from './gp-regressor';
import type { KernelParams } from './kernel-params';
import { LogEhvi } from './log-ehvi';
import type { Acquisition } from './acquisition';
import { centredTarget, constraintModels, type ConstraintModel } from './constraint-models';
import { FeasibilityWeightedAcquisition } from './feasibility-weighted-acquisition';
import { LogEhviAcquisition } from './log-ehvi-acquisition';

/** Local searches of the acquisition started from trials of the front (the reference's choice: half of ten). */
const FRONT_WARM_STARTS = 5;
/**
 * With four objectives or more, the boxes of the non-dominated region grow as n^(m−1): the front they are built
 * from is thinned to this many points (a seeded subset), which keeps an ask's cost bounded at the price of an
 * approximate improvement.
 */
const MAX_FRONT_MANY_OBJECTIVES = 24;
/**
 * The reference point of the hypervolume lies this share of each objective's observed range beyond its worst
 * feasible value. The reference's rule (10 % of the worst value's magnitude, in standardized units) puts it so
 * close that the ends of the front gain next to nothing: measured on the multi-objective suite (seeds 0–9,
 * 100 trials) half the range finds the ends of ZDT1's front (median regret 0.035 against 0.43) and is level
 * elsewhere within the seeds' spread (BENCHMARKS.md, "Multi-objective GP"). A reference point at the front's own
 * worst values (BoTorch's rule) is better still on ZDT1 but keeps the search on the first piece of a
 * disconnected front (ZDT3: 15 against 10.6).
 */
const REFERENCE_MARGIN = 0.5;
/**
 * An improvement counts only beyond this share of the distance from each objective's best value to the
 * reference point (the front is moved that far towards the ideal point before the boxes are cut). Without it,
 * a point at a bound of the space whose objective cannot improve (ZDT's x₁ = 0, where f₁ = 0 is already the
 * best) keeps a tiny posterior spread, and the unbounded box beyond the front's end turns that spread into an
 * expected improvement larger than any real gap of the front: most trials went there. Measured on the suite
 * (seeds 0–2, 100 trials): 0.003 takes ZDT3's regret from 10.6 to 0.6 and leaves the others level; 0.01 and
 * more start to cost Binh–Korn (BENCHMARKS.md, "Multi-objective GP").
 */
const MIN_IMPROVEMENT = 0.003;
/** A range below this (all values equal) counts as this, so that the reference point is beyond them. */
const MIN_RANGE = 1e-9;

export interface MultiObjectiveModelInputs {
  /** The COMPLETE trials the GPs learn from, with their values (and constraint values, if any). */
  trials: readonly FrozenTrial[];
  /** Which of them are start-up trials: their average is each GP's prior mean (as for one objective). */
  isStartup: readonly boolean[];
  directions: readonly StudyDirection[];
  encoding: GpInputEncoding;
  /** The trials encoded, row-major. */
  x: Float64Array;
  /** Trials in flight, encoded, row-major. */
  pending: Float64Array;
  /** The kernel parameters for one target ("objective:j", "constraint:c") and its standardized values. */
  fit: (target: string, y: Float64Array) => KernelParams;
  rng: Rng;
}

export interface MultiObjectiveModel {
  acquisition: Acquisition;
  /** Points of the front where local searches start. */
  warmStarts: Float64Array[];
  /** The objectives' mean length scales, for the local searches' units. */
  lengthscales: Float64Array;
}

/**
 * The GP model of a multi-objective study (Optuna's GPSampler with several objectives, with its constraint
 * handling): one GP per objective and one per constraint, each on standardized values (objectives negated
 * when minimized, constraints negated, so that every GP is maximized), centred on the start-up trials' mean;
 * the acquisition is log EHVI over the front of the feasible trials, times the probability that every
 * constraint holds (LogEhviAcquisition in a FeasibilityWeightedAcquisition).
 *
 * Trials in flight are Kriging believers: each GP holds them as exact observations (its variance collapses
 * there), and their posterior means join the front when the constraint GPs expect them feasible, so the next
 * point of a batch looks for hypervolume the batch does not already cover.
 *
 * The reference point of the hypervolume is half the observed range beyond the worst feasible value of each
 * objective (REFERENCE_MARGIN), so that extending the ends of the front counts.
 */
export function multiObjectiveModel(inputs: MultiObjectiveModelInputs): MultiObjectiveModel {
  const { trials, isStartup, directions, encoding, x, pending, fit } = inputs;
  const n = trials.length;
  const m = directions.length;
  const objectiveValues: Float64Array[] = [];
  const objectives: GpRegressor[] = [];
  for (let j = 0; j < m; j++) {
    const sign = directions[j] === 'minimize' ? -1 : 1;
    const target = centredTarget(
      trials.map((t) => sign * t.values![j]),
      isStartup,
    );
    objectiveValues.push(target.y);
    objectives.push(
      new GpRegressor(x, target.y, encoding.isCategorical, fit(`objective:${j}`, target.y), pending),
    );
  }
  const constraints = constraintModels(trials, isStartup, encoding, x, pending, fit);
  const feasible = trials.map(isFeasible);

  // The feasible trials' losses (the negated standardized values); the front adds the believed trials.
  const feasibleTrials: number[] = [];
  const losses: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (!feasible[i]) continue;
    feasibleTrials.push(i);
    losses.push(objectiveValues.map((y) => -y[i]));
  }
  let ehvi: LogEhvi | null = null;
  if (losses.length > 0) {
    const reference = referencePoint(losses);
    const withBelieved = [...losses, ...believedLosses(objectives, constraints, pending, encoding.dim)];
    const front = nonDominatedIndices(withBelieved).map((k) => withBelieved[k]);
    // Each front point is moved MIN_IMPROVEMENT of the way towards the ideal point (see there).
    const margin = reference.map((r, j) => MIN_IMPROVEMENT * (r - Math.min(...losses.map((l) => l[j]))));
    const raised = front.map((row) => row.map((v, j) => v - margin[j]));
    ehvi = new LogEhvi(nonDominatedBoxes(thin(raised, m, inputs.rng), reference));
  }
  // Without constraints every trial is feasible, so there is a front (the trials are never none).
  const improvement = ehvi ? new LogEhviAcquisition(objectives, ehvi) : null;
  const acquisition: Acquisition =
    constraints.length > 0 || !improvement
      ? new FeasibilityWeightedAcquisition(improvement, constraints)
      : improvement;

  const paretoRows = nonDominatedIndices(losses).map((k) => feasibleTrials[k]);
  const warmStarts = pick(paretoRows, Math.min(FRONT_WARM_STARTS, paretoRows.length), inputs.rng).map((i) =>
    x.slice(i * encoding.dim, (i + 1) * encoding.dim),
  );
  const lengthscales = new Float64Array(encoding.dim);
  for (const gp of objectives) {
    gp.params.inverseSquaredLengthscales.forEach((r, d) => (lengthscales[d] += 1 / Math.sqrt(r) / m));
  }
  return { acquisition, warmStarts, lengthscales };
}

/** The believed values (posterior means) of the trials in flight that the constraint GPs expect feasible, as losses. */
function believedLosses(
  objectives: readonly GpRegressor[],
  constraints: readonly ConstraintModel[],
  pending: Float64Array,
  dim: number,
): number[][] {
  const count = dim > 0 ? pending.length / dim : 0;
  if (count === 0) return [];
  const predict = (gp: GpRegressor): Float64Array => {
    const mean = new Float64Array(count);
    gp.predict(pending, count, mean, new Float64Array(count));
    return mean;
  };
  const means = objectives.map(predict);
  const constraintMeans = constraints.map((c) => predict(c.gp));
  const out: number[][] = [];
  for (let p = 0; p < count; p++) {
    if (constraints.some((c, k) => constraintMeans[k][p] < c.threshold)) continue;
    out.push(means.map((mean) => -mean[p]));
  }
  return out;
}

/** Beyond the worst feasible loss of each objective by REFERENCE_MARGIN of the front's range in it. */
function referencePoint(losses: readonly number[][]): number[] {
  return losses[0].map((_, j) => {
    const worst = Math.max(...losses.map((l) => l[j]));
    const best = Math.min(...losses.map((l) => l[j]));
    return worst + REFERENCE_MARGIN * Math.max(worst - best, MIN_RANGE);
  });
}

/** The indices of the rows (losses) no other row dominates, in order. */
function nonDominatedIndices(rows: readonly number[][]): number[] {
  const minimize = rows[0]?.map(() => 'minimize' as const) ?? [];
  const kept: number[] = [];
  rows.forEach((r, i) => {
    if (!rows.some((o, k) => k !== i && dominates(o, r, minimize))) kept.push(i);
  });
  return kept;
}

/** The front itself below four objectives; a seeded subset of MAX_FRONT_MANY_OBJECTIVES points above. */
function thin(front: number[][], m: number, rng: Rng): number[][] {
  if (m < 4 || front.length <= MAX_FRONT_MANY_OBJECTIVES) return front;
  return pick(
    front.map((_, i) => i),
    MAX_FRONT_MANY_OBJECTIVES,
    rng,
  ).map((i) => front[i]);
}

/** `k` of `items` without replacement, seeded (a partial Fisher–Yates shuffle). */
function pick<T>(items: readonly T[], k: number, rng: Rng): T[] {
  const pool = [...items];
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

/**
 * The trials the GPs learn from: all of them up to `max`; beyond, the max/2 best — by constrained domination:
 * feasible before infeasible, then fewest trials dominating them — and the most recent of the others, in
 * trial order, so that long studies keep a bounded cost per ask.
 */
export function multiObjectiveTrainingTrials(
  complete: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  max: number,
): FrozenTrial[] {
  if (complete.length <= max) return [...complete];
  const feasible = complete.map(isFeasible);
  const dominatedBy = complete.map((t, i) =>
    complete.reduce(
      (count, o, k) =>
        count +
        (k !== i && feasible[k] === feasible[i] && dominates(o.values!, t.values!, directions) ? 1 : 0),
      0,
    ),
  );
  const order = complete
    .map((_, i) => i)
    .sort((a, b) => Number(feasible[b]) - Number(feasible[a]) || dominatedBy[a] - dominatedBy[b] || b - a);
  const keep = new Set(order.slice(0, max / 2));
  for (let i = complete.length - 1; keep.size < max; i--) keep.add(i);
  return [...keep].sort((a, b) => a - b).map((i) => complete[i]);
}
