import { Xoshiro128, type Rng } from '../../random/rng';

/**
 * The scramble generator of one dimension of a sequence, from the sequence's seed and the dimension
 * alone, so that a dimension scrambles the same whatever order the dimensions are first used in.
 */
export function dimensionRng(seed: number, dimension: number): Rng {
  let x = (seed ^ Math.imul(dimension + 1, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return new Xoshiro128((x ^ (x >>> 16)) >>> 0);
}
