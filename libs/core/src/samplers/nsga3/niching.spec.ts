import { createRng } from '../../random/rng';
import { associate, nichePreservingSelection } from './niching';

describe('associate', () => {
  it('gives each point its nearest reference line and the perpendicular distance to it', () => {
    const references = [
      [0, 1],
      [0.5, 0.5],
      [1, 0],
    ];
    const { niche, distance } = associate(
      [
        [0.1, 0.9],
        [0.6, 0.4],
        [2, 0],
        [0.3, 0.3],
      ],
      references,
    );
    expect(niche).toEqual([0, 1, 2, 1]);
    expect(distance[0]).toBeCloseTo(0.1, 12);
    expect(distance[1]).toBeCloseTo(Math.SQRT2 / 10, 12); // |(0.6, 0.4) − (0.5, 0.5)|
    expect(distance[2]).toBeCloseTo(0, 12);
    expect(distance[3]).toBeCloseTo(0, 12); // on the line, whatever its length
  });
});

describe('nichePreservingSelection', () => {
  it('takes the closest member of each empty niche first', () => {
    // Reference 1 has no member; references 0 and 2 each get their closest one, whatever the draw.
    for (const seed of [1, 2, 3, 4]) {
      const picked = nichePreservingSelection(
        2,
        [0, 0, 0],
        [0, 0, 0, 2],
        [0.3, 0.1, 0.2, 0.4],
        createRng(seed),
      );
      expect([...picked].sort()).toEqual([1, 3]);
    }
  });

  it('fills the niches with the fewest members kept so far first', () => {
    // Niche 1 already has a member among the fronts kept whole; niche 0 has none: its closest first.
    for (const seed of [1, 2, 3]) {
      const picked = nichePreservingSelection(1, [0, 1], [1, 0, 0, 1], [0, 0.5, 0.2, 0.1], createRng(seed));
      expect(picked).toEqual([2]);
    }
    // Niche 0 holds 3 already: both of niche 1's members come before any of niche 0's.
    const picked = nichePreservingSelection(2, [3, 0], [0, 1, 0, 1], [0, 0.9, 0, 0.8], createRng(7));
    expect([...picked].sort()).toEqual([1, 3]);
  });

  it('drops a niche whose members are all taken and returns no more than the front has', () => {
    const picked = nichePreservingSelection(9, [0, 0, 0], [0, 0, 0, 2], [0.3, 0.1, 0.2, 0.4], createRng(5));
    expect([...picked].sort()).toEqual([0, 1, 2, 3]);
    expect(picked.slice(0, 2).sort()).toEqual([1, 3]);
  });
});
