import { yeoJohnson } from './yeo-johnson';

describe('yeoJohnson', () => {
  it('matches the closed forms on each branch (values from scipy.stats.yeojohnson)', () => {
    expect(yeoJohnson(2, 0)).toBeCloseTo(Math.log(3), 15); // log(1 + x)
    expect(yeoJohnson(-3, 2)).toBeCloseTo(-Math.log(4), 15); // −log(1 − x)
    expect(yeoJohnson(1.5, -1)).toBeCloseTo(0.6, 15); // ((2.5)^−1 − 1)/−1
    expect(yeoJohnson(-0.5, 3)).toBeCloseTo(-1 / 3, 15); // −((1.5)^−1 − 1)/−1
    const x = [0.5, -1.2, 3.3, 0.1, -0.4, 2.2, 7.5, -2.0, 0.0, 1.1];
    const scipy = [
      0.4494897427831781, -1.5087515562147278, 2.1472882706655443, 0.0976176963403031, -0.4376682261785951,
      1.5777087639996634, 3.8309518948453003, -2.797434948471088, 0.0, 0.8982753492378878,
    ];
    x.forEach((v, i) => expect(yeoJohnson(v, 0.5)).toBeCloseTo(scipy[i], 13));
  });

  it('is the identity at λ = 1 and monotone for every λ', () => {
    for (const v of [-5, -0.3, 0, 0.7, 12]) expect(yeoJohnson(v, 1)).toBeCloseTo(v, 14);
    for (const lambda of [-2, 0, 0.5, 2, 4]) {
      let prev = -Infinity;
      for (let v = -10; v <= 10; v += 0.25) {
        const t = yeoJohnson(v, lambda);
        expect(t).toBeGreaterThan(prev);
        prev = t;
      }
    }
  });
});
