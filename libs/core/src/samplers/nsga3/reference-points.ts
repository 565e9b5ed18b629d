import { InvalidArgumentError } from '../../errors';

/**
 * Das & Dennis's (1998) structured reference points, as NSGA-III places them (Deb & Jain 2014, §IV-B):
 * every point of the unit simplex whose `nObjectives` coordinates are multiples of 1 / `divisions`. There
 * are C(nObjectives + divisions − 1, divisions) of them, each summing to 1; in lexicographic order.
 * @throws InvalidArgumentError unless both are integers >= 1
 */
export function dasDennisPoints(nObjectives: number, divisions: number): number[][] {
  if (!Number.isInteger(nObjectives) || nObjectives < 1) {
    throw new InvalidArgumentError(`the number of objectives must be an integer >= 1, got ${nObjectives}.`);
  }
  if (!Number.isInteger(divisions) || divisions < 1) {
    throw new InvalidArgumentError(`dividingParameter must be an integer >= 1, got ${divisions}.`);
  }
  const points: number[][] = [];
  const counts = new Array<number>(nObjectives).fill(0);
  // Coordinate k takes 0..left of the divisions not yet given out; the last takes what is left.
  const place = (k: number, left: number): void => {
    if (k === nObjectives - 1) {
      counts[k] = left;
      points.push(counts.map((c) => c / divisions));
      return;
    }
    for (let c = 0; c <= left; c++) {
      counts[k] = c;
      place(k + 1, left - c);
    }
  };
  place(0, divisions);
  return points;
}
