import { createStudy } from '../../study/study';
import { GridSampler } from './grid-sampler';

describe('GridSampler', () => {
  const grid = { x: [-1, 0, 1], y: ['a', 'b'], z: [0.5, 1.5] };

  it('covers every point once with concurrent workers and then stops the study', async () => {
    const study = await createStudy({ sampler: new GridSampler(grid, { seed: 1 }) });
    await study.optimize(
      async (t) => {
        const x = t.suggestInt('x', -1, 1);
        const y = t.suggestCategorical('y', ['a', 'b']);
        const z = t.suggestFloat('z', 0, 2);
        await new Promise((r) => setTimeout(r, t.number % 3));
        return x + (y === 'a' ? 0 : 10) + z;
      },
      { concurrency: 3 },
    );
    const points = study.trials.map((t) => JSON.stringify([t.params.x, t.params.y, t.params.z]));
    expect(points).toHaveLength(12);
    expect(new Set(points).size).toBe(12);
    expect(study.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
  });

  it('takes points in a seeded order', async () => {
    const order = async (seed: number) => {
      const study = await createStudy({ sampler: new GridSampler(grid, { seed }) });
      await study.optimize(
        (t) =>
          t.suggestInt('x', -1, 1) +
          t.suggestFloat('z', 0, 2) +
          (t.suggestCategorical('y', ['a', 'b']) === 'a' ? 0 : 1),
      );
      return study.trials.map((t) => t.systemAttrs.grid_id);
    };
    expect(await order(4)).toEqual(await order(4));
    expect(await order(4)).not.toEqual(await order(5));
  });

  it('names a parameter missing from the grid, and empty axes', async () => {
    const study = await createStudy({ sampler: new GridSampler({ x: [1] }) });
    await expect(study.optimize((t) => t.suggestFloat('w', 0, 1), { nTrials: 1 })).rejects.toThrow(
      "GridSampler: parameter 'w' is not in the grid (x); add its values to the grid.",
    );
    expect(() => new GridSampler({ x: [] })).toThrow("GridSampler: 'x' needs a non-empty array of values.");
    expect(() => new GridSampler({ x: [1, { a: 1 }] as never })).toThrow(
      `GridSampler: the values of 'x' must be strings, finite numbers, booleans or null, got {"a":1}.`,
    );
    expect(() => new GridSampler({ x: [NaN] })).toThrow("the values of 'x' must be strings");
  });

  it('maps grid ids to points in mixed radix over the sorted names', () => {
    const sampler = new GridSampler(grid);
    expect(sampler.gridSize).toBe(12);
    expect(sampler.pointOf(0)).toEqual({ x: -1, y: 'a', z: 0.5 });
    expect(sampler.pointOf(11)).toEqual({ x: 1, y: 'b', z: 1.5 });
  });
});
