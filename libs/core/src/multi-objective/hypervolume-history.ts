import { InvalidArgumentError } from '../errors';
import { dominates } from '../study/pareto';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/trial-state';
import { isFeasible } from './constraints';
import { hypervolume } from './hypervolume';

export interface HypervolumePoint {
  /** The trial number after which the hypervolume is measured. */
  number: number;
  hypervolume: number;
}

/**
 * A study's hypervolume as it grew: after each trial (in number order), the hypervolume of the COMPLETE
 * feasible trials up to it, with respect to `referencePoint` in the objectives' own units (maximized
 * objectives count upwards from the reference). Recomputed only when a trial enters the front.
 * @throws InvalidArgumentError when the reference point has not one coordinate per objective
 */
export function hypervolumeHistory(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  referencePoint: readonly number[],
): HypervolumePoint[] {
  if (referencePoint.length !== directions.length) {
    throw new InvalidArgumentError(
      `hypervolumeHistory: the reference point needs ${directions.length} coordinates (one per objective), got ${JSON.stringify(referencePoint)}.`,
    );
  }
  const signs = directions.map((d) => (d === 'minimize' ? 1 : -1));
  const reference = referencePoint.map((r, i) => signs[i] * r);
  const minimizing = directions.map(() => 'minimize' as const);
  let front: number[][] = [];
  let volume = 0;
  const history: HypervolumePoint[] = [];
  for (const trial of [...trials].sort((a, b) => a.number - b.number)) {
    if (trial.state === 'COMPLETE' && trial.values && isFeasible(trial)) {
      const point = trial.values.map((v, i) => signs[i] * v);
      const covered = front.some((q) => q.every((v, i) => v <= point[i]));
      if (!covered && point.every((v, i) => v < reference[i])) {
        front = [...front.filter((q) => !dominates(point, q, minimizing)), point];
        volume = hypervolume(front, reference);
      }
    }
    history.push({ number: trial.number, hypervolume: volume });
  }
  return history;
}
