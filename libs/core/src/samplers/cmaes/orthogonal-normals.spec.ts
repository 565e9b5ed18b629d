import { Xoshiro128 } from '../../random/rng';
import { orthogonalNormals } from './orthogonal-normals';

describe('orthogonalNormals', () => {
  it('draws n mutually orthogonal vectors', () => {
    const vs = orthogonalNormals(new Xoshiro128(1), 6);
    expect(vs).toHaveLength(6);
    for (let a = 0; a < 6; a++) {
      for (let b = a + 1; b < 6; b++) {
        const dot = vs[a].reduce((s, v, i) => s + v * vs[b][i], 0);
        expect(Math.abs(dot)).toBeLessThan(1e-12);
      }
    }
  });

  it('gives each vector the N(0, I) distribution: coordinates of mean 0, variance 1, uncorrelated', () => {
    const rng = new Xoshiro128(2);
    const n = 4;
    const draws = 20000;
    const sum = new Float64Array(n);
    const sq = new Float64Array(n);
    let cross = 0;
    for (let d = 0; d < draws / n; d++) {
      for (const v of orthogonalNormals(rng, n)) {
        for (let i = 0; i < n; i++) {
          sum[i] += v[i];
          sq[i] += v[i] * v[i];
        }
        cross += v[0] * v[1];
      }
    }
    for (let i = 0; i < n; i++) {
      expect(Math.abs(sum[i] / draws)).toBeLessThan(0.03);
      expect(Math.abs(sq[i] / draws - 1)).toBeLessThan(0.04);
    }
    expect(Math.abs(cross / draws)).toBeLessThan(0.03);
  });
});
