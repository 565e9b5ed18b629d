import { createRng } from '../random/rng';
import { hypervolume } from './hypervolume';
import { nonDominatedBoxes, type NonDominatedBoxes } from './non-dominated-boxes';

/** Σ_b Π_j clip(upper − y, 0, upper − lower): the hypervolume y adds, read off the boxes. */
function improvement(boxes: NonDominatedBoxes, y: readonly number[]): number {
  let sum = 0;
  for (let b = 0; b < boxes.count; b++) {
    let product = 1;
    for (let j = 0; j < boxes.m; j++) {
      const lo = boxes.lower[b * boxes.m + j];
      const hi = boxes.upper[b * boxes.m + j];
      product *= Math.min(Math.max(hi - y[j], 0), hi - lo);
    }
    sum += product;
  }
  return sum;
}

function randomPoints(seed: number, n: number, m: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: m }, () => rng.random()));
}

describe('nonDominatedBoxes', () => {
  it('is the whole box below the reference when there is no point', () => {
    const boxes = nonDominatedBoxes([], [1, 2]);
    expect(boxes.count).toBe(1);
    expect([...boxes.lower]).toEqual([-Infinity, -Infinity]);
    expect([...boxes.upper]).toEqual([1, 2]);
  });

  it('is the staircase of n + 1 boxes in 2-D', () => {
    const boxes = nonDominatedBoxes(
      [
        [1, 3],
        [2, 2],
        [3, 1],
      ],
      [4, 4],
    );
    expect(boxes.count).toBe(4);
    // One box per slab of the second objective: below 1, [1, 2), [2, 3), [3, 4].
    const rows = Array.from({ length: boxes.count }, (_, b) => [
      boxes.lower[2 * b],
      boxes.upper[2 * b],
      boxes.lower[2 * b + 1],
      boxes.upper[2 * b + 1],
    ]);
    expect(rows).toEqual([
      [-Infinity, 4, -Infinity, 1],
      [-Infinity, 3, 1, 2],
      [-Infinity, 2, 2, 3],
      [-Infinity, 1, 3, 4],
    ]);
  });

  it('ignores dominated points, duplicates and points outside the reference box', () => {
    const plain = nonDominatedBoxes([[1, 1]], [2, 2]);
    const noisy = nonDominatedBoxes(
      [
        [1, 1],
        [1, 1],
        [1.5, 1.5],
        [0.5, 3],
      ],
      [2, 2],
    );
    expect(noisy.count).toBe(plain.count);
    expect([...noisy.upper]).toEqual([...plain.upper]);
  });

  it.each([2, 3, 4])(
    'gives, in %i objectives, exactly the hypervolume a point adds (against the exact hypervolume)',
    (m) => {
      for (let seed = 0; seed < 5; seed++) {
        const front = randomPoints(seed, 12, m);
        const reference = new Array<number>(m).fill(1.2);
        const boxes = nonDominatedBoxes(front, reference);
        const base = hypervolume(front, reference);
        for (const y of randomPoints(100 + seed, 20, m)) {
          const added = hypervolume([...front, y], reference) - base;
          expect(improvement(boxes, y)).toBeCloseTo(added, 10);
        }
      }
    },
  );
});
