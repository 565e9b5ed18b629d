import { manyObjectiveGamma, multiObjectiveGamma, multivariateGamma } from './weighting';

describe('γ with several objectives', () => {
  it('takes the best 10 % (two objectives, no cap) or 20 % (three or more, at most 50), rounded up', () => {
    expect([0, 1, 10, 11, 200, 1000].map(multiObjectiveGamma)).toEqual([0, 1, 1, 2, 20, 100]);
    expect([0, 1, 10, 11, 200, 250, 251, 1000].map(manyObjectiveGamma)).toEqual([0, 1, 2, 3, 40, 50, 50, 50]);
    // One objective's default stops at 25.
    expect(multivariateGamma(1000)).toBe(25);
  });
});
