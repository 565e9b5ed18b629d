import { hypervolume } from '../../multi-objective/hypervolume';
import { createRng } from '../../random/rng';
import { paretoFronts } from '../nsga/non-dominated-sort';
import {
  greedyHypervolumeSubset,
  hypervolumeWeights,
  leadingFronts,
  MIN_BELOW_WEIGHT,
  motpeReferencePoint,
  motpeSplit,
  splitByNonDomination,
  type MotpeTrial,
} from './multi-objective';

// A hand-made 2-D front (minimised): rank 0 = indices 0, 3, 6; rank 1 = 1, 4, 5; rank 2 = 2.
const POINTS = [
  [0, 4], // 0: rank 0
  [2, 4], // 1: rank 1
  [5, 5], // 2: rank 2
  [1, 1], // 3: rank 0
  [4, 2], // 4: rank 1
  [3, 3], // 5: rank 1
  [4, 0], // 6: rank 0
];

describe('motpeReferencePoint', () => {
  it('moves the worst value of each objective 10 % outwards, and a zero worst to a tiny positive value', () => {
    expect(
      motpeReferencePoint([
        [1, -3, -1],
        [2, -2, 0],
      ]),
    ).toEqual([expect.closeTo(2.2, 12), expect.closeTo(-1.8, 12), MIN_BELOW_WEIGHT]);
  });
});

describe('leadingFronts', () => {
  it("peels the fronts of Deb's full sort, best first, until they hold the count (ties and duplicates)", () => {
    const rng = createRng(3);
    for (const d of [2, 3]) {
      // Values on a coarse grid: many ties and duplicates.
      const points = Array.from({ length: 60 }, () =>
        Array.from({ length: d }, () => Math.floor(rng.random() * 6)),
      );
      const full = paretoFronts(
        points,
        points[0].map(() => 'minimize' as const),
      );
      expect(leadingFronts(points, points.length)).toEqual(full);
      const some = leadingFronts(points, 10);
      expect(some).toEqual(full.slice(0, some.length));
      expect(some.slice(0, -1).flat().length).toBeLessThan(10);
      expect(some.flat().length).toBeGreaterThanOrEqual(10);
    }
  });
});

describe('splitByNonDomination', () => {
  it('takes whole fronts by rank while they fit', () => {
    expect(splitByNonDomination(POINTS, 3)).toEqual([0, 3, 6]);
    expect(splitByNonDomination(POINTS, 6).sort()).toEqual([0, 1, 3, 4, 5, 6]);
    expect(splitByNonDomination(POINTS, 0)).toEqual([]);
    expect(splitByNonDomination(POINTS, 7).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('cuts the straddling front by hypervolume: the knee first, then the tie to the lower index', () => {
    // Rank 1 is [2,4], [4,2], [3,3]; its reference point is [4.4, 4.4]. Alone, [3,3] covers 1.96 and
    // the others 0.96; next to [3,3], [2,4] and [4,2] each add 0.4, and the older one wins the tie.
    expect(splitByNonDomination(POINTS, 4)).toEqual([0, 3, 6, 5]);
    expect(splitByNonDomination(POINTS, 5)).toEqual([0, 3, 6, 5, 1]);
  });
});

describe('greedyHypervolumeSubset', () => {
  it('picks what the plain greedy picks (random 2-D and 3-D fronts)', () => {
    const rng = createRng(7);
    for (const d of [2, 3]) {
      for (let run = 0; run < 10; run++) {
        // Points on the simplex face sum(x) = 1 are mutually non-dominated.
        const points = Array.from({ length: 12 }, () => {
          const raw = Array.from({ length: d }, () => rng.random() + 0.01);
          const sum = raw.reduce((a, b) => a + b, 0);
          return raw.map((v) => v / sum);
        });
        const reference = motpeReferencePoint(points);
        const plain: number[] = [];
        for (let k = 0; k < 5; k++) {
          let best = -1;
          let bestVolume = -Infinity;
          for (let i = 0; i < points.length; i++) {
            if (plain.includes(i)) continue;
            const v = hypervolume(
              [...plain, i].map((j) => points[j]),
              reference,
            );
            if (v > bestVolume) [best, bestVolume] = [i, v];
          }
          plain.push(best);
        }
        expect(greedyHypervolumeSubset(points, 5, reference)).toEqual(plain);
      }
    }
  });
});

describe('hypervolumeWeights', () => {
  it('weighs front points by exclusive contribution over the largest, dominated ones next to nothing', () => {
    // Reference [2.2, 2.2]: [1,1] alone covers 1 × 1, each end 1 × 0.2.
    const weights = hypervolumeWeights([
      [0, 2],
      [1, 1],
      [2, 0],
      [2, 2],
    ]);
    expect(weights[0]).toBeCloseTo(0.2, 12);
    expect(weights[1]).toBe(1);
    expect(weights[2]).toBeCloseTo(0.2, 12);
    expect(weights[3]).toBe(MIN_BELOW_WEIGHT);
  });

  it('gives 1 to a single point and to every point when a value is infinite', () => {
    expect(hypervolumeWeights([[3, 4]])).toEqual([1]);
    expect(
      hypervolumeWeights([
        [0, Infinity],
        [1, 1],
      ]),
    ).toEqual([1, 1]);
  });
});

describe('motpeSplit', () => {
  const trial = (number: number, values: number[], violation = 0, complete = true): MotpeTrial => ({
    number,
    values,
    violation,
    complete,
  });

  it('puts feasible COMPLETE trials first, then PRUNED ones, then infeasible ones by violation', () => {
    const trials = [
      trial(0, [0, 0], 5), // the best values, but infeasible
      trial(1, [3, 3]),
      trial(2, [], 0, false),
      trial(3, [1, 1], 0.5),
      trial(4, [2, 1]),
      trial(5, [9, 9], 0.5),
    ];
    expect(motpeSplit(trials, 1).below).toEqual([4]);
    expect(motpeSplit(trials, 2).below).toEqual([1, 4]);
    expect(motpeSplit(trials, 3).below).toEqual([1, 4, 2]);
    // Equal violations: the older trial first.
    expect(motpeSplit(trials, 5).below).toEqual([1, 4, 2, 3, 5]);
    const all = motpeSplit(trials, 6);
    expect(all.below).toEqual([1, 4, 2, 3, 5, 0]);
    expect(all.weights.slice(2)).toEqual([
      MIN_BELOW_WEIGHT,
      MIN_BELOW_WEIGHT,
      MIN_BELOW_WEIGHT,
      MIN_BELOW_WEIGHT,
    ]);
  });

  it("weighs every good feasible COMPLETE trial 1 with 'uniform', the others next to nothing", () => {
    const trials = [
      trial(0, [0, 2]),
      trial(1, [2, 2]),
      trial(2, [1, 1]),
      trial(3, [2, 0]),
      trial(4, [5, 5], 1),
    ];
    const split = motpeSplit(trials, 5, 'uniform');
    expect(split.below).toEqual([0, 1, 2, 3, 4]);
    expect(split.weights).toEqual([1, 1, 1, 1, MIN_BELOW_WEIGHT]);
  });

  it('weighs the good feasible trials by hypervolume contribution', () => {
    const trials = [trial(0, [0, 2]), trial(1, [2, 2]), trial(2, [1, 1]), trial(3, [2, 0]), trial(4, [5, 5])];
    const split = motpeSplit(trials, 4);
    expect(split.below).toEqual([0, 2, 3, 1]);
    expect(split.weights[0]).toBeCloseTo(0.2, 12);
    expect(split.weights.slice(1)).toEqual([1, expect.closeTo(0.2, 12), MIN_BELOW_WEIGHT]);
  });
});
