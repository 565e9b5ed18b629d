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
 * objectives count upwards from the reference). When a trial enters the front, only the volume it adds is
 * computed, so a long study costs far less than a hypervolume per trial (above 3 objectives, seconds less).
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
  if (directions.length === 2) return history2d(trials, signs, reference);
  let front: number[][] = [];
  let volume = 0;
  const history: HypervolumePoint[] = [];
  for (const trial of [...trials].sort((a, b) => a.number - b.number)) {
    if (counts(trial)) {
      const point = trial.values.map((v, i) => signs[i] * v);
      const covered = front.some((q) => q.every((v, i) => v <= point[i]));
      if (!covered && point.every((v, i) => v < reference[i])) {
        volume += addedVolume(point, front, reference);
        front = [...front.filter((q) => !dominates(point, q, minimizing)), point];
      }
    }
    history.push({ number: trial.number, hypervolume: volume });
  }
  return history;
}

/**
 * The volume `point` adds to `front` (minimized, inside the reference box): its box less the part the
 * front already covers, which is the hypervolume of the front limited to the box, max(q, point) for each
 * q (WFG's exclusive hypervolume). The limited points mostly dominate one another, so this set is far
 * smaller than the front once the hypervolume drops its dominated points.
 */
function addedVolume(
  point: readonly number[],
  front: readonly number[][],
  reference: readonly number[],
): number {
  let box = 1;
  for (let i = 0; i < point.length; i++) box *= reference[i] - point[i];
  if (front.length === 0) return box;
  const limited = front.map((q) => q.map((v, i) => Math.max(v, point[i])));
  return box - hypervolume(limited, reference);
}

/** Whether the trial counts for the hypervolume: COMPLETE, with values, feasible. */
function counts(trial: FrozenTrial): trial is FrozenTrial & { values: readonly number[] } {
  return trial.state === 'COMPLETE' && trial.values !== null && isFeasible(trial);
}

/**
 * Two objectives: the front as a staircase sorted by the first objective (the second then decreases), whose
 * area is Σ (x[i+1] - x[i]) (ry - y[i]) with x[n] = rx. A new point replaces the run of points it dominates,
 * which changes only the terms of that run and of its left neighbour: O(log n) plus the run per trial.
 */
function history2d(
  trials: readonly FrozenTrial[],
  signs: readonly number[],
  [rx, ry]: readonly number[],
): HypervolumePoint[] {
  const xs: number[] = [];
  const ys: number[] = [];
  const term = (i: number, nextX: number) => (nextX - xs[i]) * (ry - ys[i]);
  let volume = 0;
  const history: HypervolumePoint[] = [];
  for (const trial of [...trials].sort((a, b) => a.number - b.number)) {
    if (counts(trial)) {
      const x = signs[0] * trial.values[0];
      const y = signs[1] * trial.values[1];
      // The first point at or right of x; the one before it has the least y of those left of x.
      let lo = 0;
      let hi = xs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (xs[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      const covered = (lo > 0 && ys[lo - 1] <= y) || (lo < xs.length && xs[lo] === x && ys[lo] <= y);
      if (!covered && x < rx && y < ry) {
        // The run [lo, end) that the point dominates: x ≥ its x, y ≥ its y.
        let end = lo;
        while (end < xs.length && ys[end] >= y) end++;
        const nextX = end < xs.length ? xs[end] : rx;
        let before = 0;
        for (let i = Math.max(lo - 1, 0); i < end; i++) before += term(i, i + 1 < xs.length ? xs[i + 1] : rx);
        xs.splice(lo, end - lo, x);
        ys.splice(lo, end - lo, y);
        let after = term(lo, nextX);
        if (lo > 0) after += term(lo - 1, x);
        volume += after - before;
      }
    }
    history.push({ number: trial.number, hypervolume: volume });
  }
  return history;
}
