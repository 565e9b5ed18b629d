import { blankTrial, type FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/trial-state';
import { CONSTRAINTS_ATTR } from './constraints';
import { createRng } from '../random/rng';
import { hypervolume } from './hypervolume';
import { hypervolumeHistory } from './hypervolume-history';

function trial(number: number, values: number[] | null, constraints?: number[]): FrozenTrial {
  return {
    ...blankTrial(number, number, values ? 'COMPLETE' : 'FAIL'),
    values,
    systemAttrs: constraints ? { [CONSTRAINTS_ATTR]: constraints } : {},
  };
}

describe('hypervolumeHistory', () => {
  it('grows with each trial that enters the front, and only with those', () => {
    const trials = [
      trial(0, [3, 3]), // box 1 × 1 against (4, 4)
      trial(1, null), // failed: no change
      trial(2, [1, 3.5]), // adds 2 × 0.5
      trial(3, [3.5, 3.5]), // dominated: no change
      trial(4, [0, 0], [1]), // infeasible: no change
      trial(5, [5, 0]), // outside the reference box: no change
      trial(6, [2, 1]), // adds the rest of [2, 4) × [1, 3) ∪ …
    ];
    expect(hypervolumeHistory(trials, ['minimize', 'minimize'], [4, 4])).toEqual([
      { number: 0, hypervolume: 1 },
      { number: 1, hypervolume: 1 },
      { number: 2, hypervolume: 2 },
      { number: 3, hypervolume: 2 },
      { number: 4, hypervolume: 2 },
      { number: 5, hypervolume: 2 },
      { number: 6, hypervolume: 6.5 },
    ]);
  });

  it('measures maximized objectives upwards from the reference point', () => {
    const history = hypervolumeHistory(
      [trial(0, [3, 1]), trial(1, [1, 2])],
      ['maximize', 'minimize'],
      [0, 4],
    );
    expect(history.map((p) => p.hypervolume)).toEqual([9, 9]);
  });

  it.each([2, 3, 4])(
    'equals the hypervolume of each prefix recomputed whole, on random %i-objective studies',
    (d) => {
      for (let seed = 0; seed < 5; seed++) {
        const rng = createRng(40 + seed);
        // Near a concave front (many trials on it at once, many leaving it), with ties on a grid.
        const trials = Array.from({ length: 120 }, (_, i) => {
          const p = Array.from({ length: d }, () => rng.random());
          const norm = Math.hypot(...p);
          const values = p.map((v) => Math.round((v / norm + 0.2 * rng.random()) * 40) / 40);
          return trial(i, rng.random() < 0.1 ? null : values, [rng.random() < 0.15 ? 1 : -1]);
        });
        // Objective 1 maximized: its values count upwards from its reference coordinate.
        const directions = Array.from({ length: d }, (_, i): StudyDirection =>
          i === 1 ? 'maximize' : 'minimize',
        );
        const reference = Array.from({ length: d }, (_, i) => (i === 1 ? -0.1 : 1.1));
        const history = hypervolumeHistory(trials, directions, reference);
        const minimized = (v: readonly number[]) => v.map((x, i) => (i === 1 ? -x : x));
        trials.forEach((_, n) => {
          const prefix = trials
            .slice(0, n + 1)
            .filter((t) => t.values && (t.systemAttrs.constraints as number[])[0] <= 0)
            .map((t) => minimized(t.values!));
          const exact = hypervolume(prefix, minimized(reference));
          expect(Math.abs(history[n].hypervolume - exact)).toBeLessThan(1e-9 * Math.max(1, exact));
        });
      }
    },
  );

  it('refuses a reference point of the wrong length', () => {
    expect(() => hypervolumeHistory([], ['minimize', 'minimize'], [1])).toThrow(/needs 2 coordinates/);
  });
});
