import { normalizeObjectives } from './normalization';

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(expected[i][j], 9)));
}

describe('normalizeObjectives', () => {
  it('moves the ideal point to the origin and divides by the intercepts of the extreme points (2 objectives)', () => {
    // Ideal (1, 2); translated (0, 8), (1, 4), (2, 2), (4, 0); extreme points (4, 0) and (0, 8).
    const front = [
      [1, 10],
      [2, 6],
      [3, 4],
      [5, 2],
    ];
    expectClose(normalizeObjectives(front), [
      [0, 1],
      [0.25, 0.5],
      [0.5, 0.25],
      [1, 0],
    ]);
  });

  it('uses the hyperplane through the extreme points, not each objective’s worst value (3 objectives)', () => {
    // Extremes on the axes at 2, 3 and 6; the last point lies beyond them on the first axis.
    const values = [
      [12, 10, 10],
      [10, 13, 10],
      [10, 10, 16],
      [11, 11, 11],
      [13, 10.5, 10.5],
    ];
    expectClose(normalizeObjectives(values), [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0.5, 1 / 3, 1 / 6],
      [1.5, 0.5 / 3, 0.5 / 6],
    ]);
  });

  it('tilted extreme points: the intercepts of the plane through them, not the worst values', () => {
    // Extreme points (3, 1, 0), (0, 3, 1), (1, 0, 3) span x + y + z = 4: intercepts 4 (the worst values are 3).
    const values = [
      [3, 1, 0],
      [0, 3, 1],
      [1, 0, 3],
      [1, 1.5, 1.5],
    ].map(([a, b, c]) => [a - 1, b + 2, c + 5]);
    expectClose(normalizeObjectives(values), [
      [0.75, 0.25, 0],
      [0, 0.75, 0.25],
      [0.25, 0, 0.75],
      [0.25, 0.375, 0.375],
    ]);
  });

  it('falls back to the worst point when the extreme points are linearly dependent', () => {
    // (0, 0, 1) is the extreme point of every axis: no hyperplane; the worst values are (2, 1, 1).
    const values = [
      [0, 0, 1],
      [2, 1, 0],
    ];
    expectClose(normalizeObjectives(values), [
      [0, 0, 1],
      [1, 1, 0],
    ]);
  });

  it('leaves an objective whose values are all equal unscaled, and clips infinite values to the finite range', () => {
    expectClose(
      normalizeObjectives([
        [3, 7],
        [5, 7],
        [Infinity, 7],
      ]),
      [
        [0, 0],
        [1, 0],
        [1, 0],
      ],
    );
  });
});
