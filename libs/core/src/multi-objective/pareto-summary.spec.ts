import { InvalidArgumentError } from '../errors';
import { blankTrial, type FrozenTrial } from '../trial/frozen-trial';
import { CONSTRAINTS_ATTR } from './constraints';
import { defaultReferencePoint, paretoSummary } from './pareto-summary';

function trial(number: number, values: number[] | null, constraints?: number[]): FrozenTrial {
  return {
    ...blankTrial(number, number, values ? 'COMPLETE' : 'FAIL'),
    values,
    systemAttrs: constraints ? { [CONSTRAINTS_ATTR]: constraints } : {},
  };
}

describe('paretoSummary', () => {
  const trials = [
    trial(0, [3, 3]),
    trial(1, [0, 0], [0.5, -1]), // dominates everything, but infeasible
    trial(2, [1, 3.5], [0, -1]), // a constraint at 0 holds
    trial(3, [3.5, 3.5]), // dominated by 0
    trial(4, null),
    trial(5, [2, 1]),
  ];

  it('keeps the COMPLETE feasible non-dominated trials and counts the infeasible ones', () => {
    const summary = paretoSummary(trials, ['minimize', 'minimize'], [4, 4]);
    expect(summary.front.map((t) => t.number)).toEqual([2, 5]);
    expect(summary.infeasible).toBe(1);
    expect(summary.referencePointSource).toBe('given');
    // [1, 4) × [3.5, 4) ∪ [2, 4) × [1, 4): 3 × 0.5 + 2 × 3 - 2 × 0.5 = 6.5
    expect(summary.hypervolume).toBeCloseTo(6.5, 12);
  });

  it('measures maximized objectives upwards from the reference point', () => {
    const summary = paretoSummary([trial(0, [3, 1]), trial(1, [1, 2])], ['maximize', 'minimize'], [0, 4]);
    // [0, 3] × [1, 4] ∪ [0, 1] × [2, 4]: 9
    expect(summary.hypervolume).toBeCloseTo(9, 12);
  });

  it('defaults the reference point to the worst value plus 10 % of the range, over every COMPLETE trial', () => {
    // Objective 0 (minimized) spans 0 to 3.5 over COMPLETE trials, the infeasible one included; objective 1
    // (maximized) spans 0 to 3.5 too, its worst being the lowest.
    const [r0, r1] = defaultReferencePoint(trials, ['minimize', 'maximize'])!;
    expect([r0, r1]).toEqual([expect.closeTo(3.85, 12), expect.closeTo(-0.35, 12)]);
    const summary = paretoSummary(trials, ['minimize', 'minimize']);
    expect(summary.referencePointSource).toBe('default');
    expect(summary.referencePoint).toEqual([expect.closeTo(3.85, 12), expect.closeTo(3.85, 12)]);
    // [1, 3.85) × [3.5, 3.85) ∪ [2, 3.85) × [1, 3.85)
    expect(summary.hypervolume).toBeCloseTo(2.85 * 0.35 + 1.85 * 2.85 - 1.85 * 0.35, 12);
  });

  it('moves the default by 1 when all values are equal, and has none without COMPLETE trials', () => {
    expect(defaultReferencePoint([trial(0, [2, 5])], ['minimize', 'maximize'])).toEqual([3, 4]);
    const empty = paretoSummary([trial(0, null)], ['minimize', 'minimize']);
    expect(empty).toEqual({
      front: [],
      infeasible: 0,
      referencePoint: null,
      referencePointSource: 'default',
      hypervolume: 0,
    });
  });

  it('refuses a reference point of the wrong length or with non-finite coordinates', () => {
    expect(() => paretoSummary(trials, ['minimize', 'minimize'], [1])).toThrow(InvalidArgumentError);
    expect(() => paretoSummary(trials, ['minimize', 'minimize'], [1, NaN])).toThrow(/2 finite numbers/);
  });
});
