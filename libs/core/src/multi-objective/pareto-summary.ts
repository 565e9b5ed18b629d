import { InvalidArgumentError } from '../errors';
import { paretoFront } from '../study/pareto';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/trial-state';
import { isFeasible } from './constraints';
import { hypervolume } from './hypervolume';

/** How the default reference point is chosen, in words, for the answers that show it. */
export const DEFAULT_REFERENCE_POINT_RULE =
  'the worst value of each objective over the COMPLETE trials, moved 10 % of its range further (1 when the range is 0)';

/** A study's feasible Pareto front and its hypervolume, as the REST API and the CLI show them. */
export interface ParetoSummary {
  /** The COMPLETE feasible trials no other COMPLETE feasible trial dominates, in number order. */
  front: FrozenTrial[];
  /** COMPLETE trials left out because a constraint does not hold. */
  infeasible: number;
  /** In the objectives' own units; null when none was given and no COMPLETE trial has finite values. */
  referencePoint: number[] | null;
  /** Whether the reference point was given or is the default ({@link DEFAULT_REFERENCE_POINT_RULE}). */
  referencePointSource: 'given' | 'default';
  /** Of the front, with respect to the reference point (maximized objectives count upwards from it); 0 without one. */
  hypervolume: number;
}

/**
 * The default reference point: for each objective, its worst finite value over the COMPLETE trials
 * (feasible or not, so that it does not move when a trial turns out infeasible), moved a tenth of the
 * objective's range further from the front (by 1 when the range is 0), so that the extreme trials of the
 * front add volume. Null when no COMPLETE trial has a finite value in every objective.
 */
export function defaultReferencePoint(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
): number[] | null {
  const rows = trials.filter(
    (t) => t.state === 'COMPLETE' && t.values && t.values.every((v) => Number.isFinite(v)),
  );
  if (rows.length === 0) return null;
  return directions.map((direction, i) => {
    const column = rows.map((t) => t.values![i]);
    const low = Math.min(...column);
    const high = Math.max(...column);
    const margin = high > low ? 0.1 * (high - low) : 1;
    return direction === 'minimize' ? high + margin : low - margin;
  });
}

/**
 * The feasible Pareto front of the COMPLETE trials and its hypervolume with respect to `referencePoint`
 * (the default one when it is absent).
 * @throws InvalidArgumentError when the reference point has not one finite coordinate per objective
 */
export function paretoSummary(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  referencePoint?: readonly number[],
): ParetoSummary {
  if (
    referencePoint &&
    (referencePoint.length !== directions.length || referencePoint.some((r) => !Number.isFinite(r)))
  ) {
    throw new InvalidArgumentError(
      `the reference point needs ${directions.length} finite numbers (one per objective), got ${JSON.stringify(referencePoint)}.`,
    );
  }
  const complete = trials.filter((t) => t.state === 'COMPLETE' && t.values);
  const feasible = complete.filter(isFeasible);
  const front = paretoFront(feasible, directions).sort((a, b) => a.number - b.number);
  const reference = referencePoint ? [...referencePoint] : defaultReferencePoint(trials, directions);
  let volume = 0;
  if (reference) {
    const signs = directions.map((d) => (d === 'minimize' ? 1 : -1));
    volume = hypervolume(
      front.map((t) => t.values!.map((v, i) => signs[i] * v)),
      reference.map((r, i) => signs[i] * r),
    );
  }
  return {
    front,
    infeasible: complete.length - feasible.length,
    referencePoint: reference,
    referencePointSource: referencePoint ? 'given' : 'default',
    hypervolume: volume,
  };
}
