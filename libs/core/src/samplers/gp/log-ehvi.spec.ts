import { nonDominatedBoxes } from '../../multi-objective/non-dominated-boxes';
import { hypervolume } from '../../multi-objective/hypervolume';
import { LogEhvi } from './log-ehvi';

// A front of losses (minimized) and its reference point; the LogEhvi works on y = −loss (maximized).
const FRONT = [
  [0.1, 0.9],
  [0.3, 0.5],
  [0.6, 0.25],
  [0.9, 0.05],
];
const REFERENCE = [1.1, 1.1];

describe('LogEhvi', () => {
  const ehvi = new LogEhvi(nonDominatedBoxes(FRONT, REFERENCE));

  // Reference: the mean of the exact 2-D improvement over 4·10⁶ independent normal draws per case (numpy,
  // seed 0), with its standard error; the closed form must agree within 4 of those.
  it.each([
    [[-0.4, -0.4], [0.01, 0.02], 0.030438211670745098, 1.93e-5],
    [[-0.2, -0.7], [0.04, 0.01], 0.03610820385874664, 2.48e-5],
    [[-0.8, -0.8], [0.05, 0.05], 0.00042134577281342783, 2.4e-6],
  ])(
    'is the expected hypervolume improvement at mean %p, variance %p (against sampling)',
    (mean, variance, sampled, error) => {
      expect(Math.abs(Math.exp(ehvi.value(mean, variance)) - sampled)).toBeLessThan(4 * error);
    },
  );

  it('stays finite and exact far from the front, where the improvement underflows', () => {
    // 40 standard deviations below the worst bound in each objective: EHVI ~ e^(−800 each), log EHVI finite.
    const far = ehvi.value([-9, -9], [0.04, 0.04]);
    expect(Number.isFinite(far)).toBe(true);
    // The log value keeps ordering points: a little closer is better.
    expect(ehvi.value([-8.9, -9], [0.04, 0.04])).toBeGreaterThan(far);
  });

  it('has the gradient of its value in the means and variances (against central differences)', () => {
    const gradient = new Float64Array(4);
    for (const [mean, variance] of [
      [
        [-0.4, -0.4],
        [0.01, 0.02],
      ],
      [
        [-3, -2.5],
        [0.01, 0.02],
      ],
      // So far out that the boxes are summed in log space.
      [
        [-9, -9],
        [0.0004, 0.0004],
      ],
    ]) {
      ehvi.value(mean, variance, gradient);
      const h = 1e-6;
      for (let k = 0; k < 4; k++) {
        const up = [...mean, ...variance];
        const down = [...mean, ...variance];
        up[k] += h;
        down[k] -= h;
        const numeric =
          (ehvi.value(up.slice(0, 2), up.slice(2)) - ehvi.value(down.slice(0, 2), down.slice(2))) / (2 * h);
        expect(Math.abs(gradient[k] - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
      }
    }
  });

  it('works in three objectives', () => {
    const front = [
      [0.2, 0.5, 0.7],
      [0.6, 0.2, 0.5],
      [0.5, 0.6, 0.1],
    ];
    const reference = [1, 1, 1];
    const three = new LogEhvi(nonDominatedBoxes(front, reference));
    // A near-certain point: EHVI ≈ the hypervolume it adds.
    const y = [-0.3, -0.3, -0.3];
    const added = hypervolume([...front, y.map((v) => -v)], reference) - hypervolume(front, reference);
    expect(Math.exp(three.value(y, [1e-12, 1e-12, 1e-12]))).toBeCloseTo(added, 6);
  });
});
