import { lbfgsb } from './lbfgsb';

/** f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1). */
function rosenbrock(x: Float64Array, g: Float64Array): number {
  const a = 1 - x[0];
  const b = x[1] - x[0] * x[0];
  g[0] = -2 * a - 400 * x[0] * b;
  g[1] = 200 * b;
  return a * a + 100 * b * b;
}

/** The chained Rosenbrock function of the L-BFGS-B paper's driver: ¼(x₁ − 1)² + Σᵢ 4 (xᵢ − xᵢ₋₁²)². */
function chained(n: number) {
  return (x: Float64Array, g: Float64Array): number => {
    let v = 0.25 * (x[0] - 1) ** 2;
    g.fill(0);
    g[0] = 0.5 * (x[0] - 1);
    for (let i = 1; i < n; i++) {
      const t = x[i] - x[i - 1] ** 2;
      v += 4 * t * t;
      g[i] += 8 * t;
      g[i - 1] -= 16 * x[i - 1] * t;
    }
    return v;
  };
}

describe('lbfgsb', () => {
  it('minimizes Rosenbrock without bounds from the classic start (−1.2, 1)', () => {
    const r = lbfgsb(rosenbrock, [-1.2, 1]);
    expect(['pgtol', 'factr']).toContain(r.stop);
    expect(r.f).toBeLessThan(1e-12);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.evaluations).toBeLessThan(80);
  });

  it('stops on an active bound: x <= 0.5 gives the constrained minimum (0.5, 0.25), f = 0.25', () => {
    // At (0.5, 0.25): ∂f/∂y = 0 and ∂f/∂x = −1 < 0 pushes against the bound, so it is the KKT point.
    const r = lbfgsb(rosenbrock, [-1.2, 1], { upper: [0.5, Infinity] });
    expect(r.stop).toBe('pgtol');
    expect(r.x[0]).toBe(0.5);
    expect(r.x[1]).toBeCloseTo(0.25, 6);
    expect(r.f).toBeCloseTo(0.25, 10);
    expect(r.grad[0]).toBeCloseTo(-1, 5);
  });

  it('solves the 25-variable chained Rosenbrock of the L-BFGS-B driver (odd xᵢ >= 1, start 3)', () => {
    const n = 25;
    const lower = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -100));
    const r = lbfgsb(chained(n), new Float64Array(n).fill(3), {
      lower,
      upper: new Array(n).fill(100),
      pgtol: 1e-8,
      factr: 1e-3,
    });
    expect(r.f).toBeLessThan(1e-12);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.iterations).toBeLessThan(100);
  });

  it('follows a chain of bounds: x₁ <= 0.5 forces xᵢ = xᵢ₋₁² and f = ¼ · 0.5² = 0.0625', () => {
    const n = 10;
    const upper = new Array(n).fill(2);
    upper[0] = 0.5;
    const r = lbfgsb(chained(n), new Float64Array(n).fill(-1), {
      lower: new Array(n).fill(-2),
      upper,
      factr: 10,
    });
    expect(r.f).toBeCloseTo(0.0625, 9);
    expect(r.x[0]).toBe(0.5);
    expect(r.x[1]).toBeCloseTo(0.25, 5);
    expect(r.x[2]).toBeCloseTo(0.0625, 5);
  });

  it('projects the start point and never evaluates outside the box', () => {
    const seen: number[][] = [];
    const r = lbfgsb(
      (x, g) => {
        seen.push(Array.from(x));
        return rosenbrock(x, g);
      },
      [5, -5],
      { lower: [-1, 2], upper: [0.8, 3] },
    );
    expect(seen[0]).toEqual([0.8, 2]);
    for (const [x, y] of seen) {
      expect(x).toBeGreaterThanOrEqual(-1);
      expect(x).toBeLessThanOrEqual(0.8);
      expect(y).toBeGreaterThanOrEqual(2);
      expect(y).toBeLessThanOrEqual(3);
    }
    // On the box the minimum is at the corner nearest the parabola: x = 0.8 (y = 2 >= x² always).
    expect(r.x[0]).toBeCloseTo(0.8, 12);
    expect(r.x[1]).toBeCloseTo(2, 12);
  });

  it('respects the iteration and evaluation limits', () => {
    expect(lbfgsb(rosenbrock, [-1.2, 1], { maxIterations: 3 })).toMatchObject({
      iterations: 3,
      stop: 'maxIterations',
    });
    const r = lbfgsb(rosenbrock, [-1.2, 1], { maxEvaluations: 5 });
    expect(r.stop).toBe('maxEvaluations');
    expect(r.evaluations).toBeLessThanOrEqual(5);
  });

  it('backs off from steps where the function is not finite', () => {
    // log barrier: f = x − log(x) has its minimum at x = 1 and is NaN for x <= 0.
    const r = lbfgsb(
      (x, g) => {
        g[0] = 1 - 1 / x[0];
        return x[0] > 0 ? x[0] - Math.log(x[0]) : NaN;
      },
      [30],
    );
    expect(r.x[0]).toBeCloseTo(1, 5);
  });

  it('checks its arguments', () => {
    expect(() => lbfgsb(rosenbrock, [0, 0], { lower: [0] })).toThrow(
      'lbfgsb: lower must have 2 entries (one per variable), got 1',
    );
    expect(() => lbfgsb(rosenbrock, [0, 0], { lower: [1, 0], upper: [0, 1] })).toThrow(
      'lbfgsb: lower[0] = 1 is above upper[0] = 0',
    );
    expect(() => lbfgsb(rosenbrock, [NaN, 0])).toThrow('lbfgsb: x0[0] must be finite, got NaN');
    expect(() => lbfgsb(rosenbrock, [0, 0], { memory: 0 })).toThrow(
      'lbfgsb: memory must be an integer >= 1, got 0',
    );
    expect(() => lbfgsb(() => Infinity, [0])).toThrow(
      'the objective must be finite at the start point, got Infinity',
    );
  });
});
