import { createRng } from '../../random/rng';
import { crossover, CROSSOVER_PARENTS, NSGA2_CROSSOVERS, sbxCrossover, uniformCrossover } from './crossovers';

describe('NSGA-II crossovers', () => {
  it.each(NSGA2_CROSSOVERS.map((name) => [name]))('%s gives a child of the right length, finite', (name) => {
    const rng = createRng(3);
    for (let k = 0; k < 200; k++) {
      const parents = Array.from({ length: CROSSOVER_PARENTS[name] }, () =>
        Array.from({ length: 4 }, () => rng.random()),
      );
      const child = crossover(name, parents, rng, { swappingProb: 0.5, eta: 20 });
      expect(child).toHaveLength(4);
      expect(child.every(Number.isFinite)).toBe(true);
    }
  });

  it('uniform crossover takes each coordinate from one of the parents', () => {
    const rng = createRng(1);
    const child = uniformCrossover(
      [
        [0, 0, 0, 0],
        [1, 1, 1, 1],
      ],
      rng,
      0.5,
    );
    expect(child.every((v) => v === 0 || v === 1)).toBe(true);
    expect(
      uniformCrossover(
        [
          [0, 0],
          [1, 1],
        ],
        rng,
        0,
      ),
    ).toEqual([0, 0]);
    expect(
      uniformCrossover(
        [
          [0, 0],
          [1, 1],
        ],
        rng,
        1,
      ),
    ).toEqual([1, 1]);
  });

  it('bounded SBX stays in [0, 1] and copies a coordinate where the parents agree', () => {
    const rng = createRng(2);
    for (let k = 0; k < 500; k++) {
      const child = sbxCrossover(
        [
          [0, rng.random(), 0.3],
          [1, rng.random(), 0.3],
        ],
        rng,
        2,
      );
      expect(child.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(child[2]).toBe(0.3);
    }
  });

  it('SPX and UNDX of identical parents give that point back', () => {
    const p = [0.2, 0.7, 0.4];
    for (const name of ['spx', 'undx'] as const) {
      const child = crossover(name, [p, p, p], createRng(5), { swappingProb: 0.5, eta: 20 });
      child.forEach((v, i) => expect(v).toBeCloseTo(p[i], 12));
    }
  });
});
