import { InvalidArgumentError } from '../../errors';
import type { Rng } from '../../random/rng';
import { dimensionRng } from './dimension-rng';

/** The first `count` primes (sieve of Eratosthenes, growing the bound until enough are found). */
function firstPrimes(count: number): number[] {
  let bound = Math.max(16, Math.ceil(count * (Math.log(count + 1) + Math.log(Math.log(count + 2)) + 2)));
  for (;;) {
    const composite = new Uint8Array(bound + 1);
    const primes: number[] = [];
    for (let i = 2; i <= bound && primes.length < count; i++) {
      if (composite[i]) continue;
      primes.push(i);
      for (let j = i * i; j <= bound; j += i) composite[j] = 1;
    }
    if (primes.length >= count) return primes;
    bound *= 2;
  }
}

/**
 * The Halton sequence: coordinate d of point i is the radical inverse of i in the d-th prime base b,
 * Σ_k digit_k(i) b^(−k−1). Scrambled (given a seed), each digit position of each dimension gets its own
 * random permutation of {0, …, b − 1} (the Braaten–Weller / Owen-type digit scramble), applied to the
 * leading digits up to double precision, so that every point, the first included, is uniform on [0, 1)^d.
 */
export class HaltonSequence {
  private primes: number[] = [];
  private readonly permutations: Uint16Array[][] = [];

  /** @param scrambleSeed - seed of the digit permutations (each dimension draws its own); null for the plain sequence. */
  constructor(private readonly scrambleSeed: number | null) {}

  /** Coordinate `dimension` (0-based) of point `index` (0-based), in [0, 1). */
  coordinate(index: number, dimension: number): number {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new InvalidArgumentError(`Halton index must be a safe integer >= 0, got ${index}`);
    }
    if (!Number.isInteger(dimension) || dimension < 0) {
      throw new InvalidArgumentError(`Halton dimension must be an integer >= 0, got ${dimension}`);
    }
    if (this.primes.length <= dimension) {
      this.primes = firstPrimes(Math.max(dimension + 1, 2 * this.primes.length));
    }
    while (this.permutations.length <= dimension) this.permutations.push([]);
    const base = this.primes[dimension];
    if (this.scrambleSeed === null) {
      let x = 0;
      let scale = 1 / base;
      for (let i = index; i > 0; i = Math.floor(i / base), scale /= base) x += (i % base) * scale;
      return x;
    }
    // Enough digits that the remaining tail is below double precision.
    const digits = Math.ceil(53 / Math.log2(base)) + 1;
    if (this.permutations[dimension].length === 0) {
      const rng = dimensionRng(this.scrambleSeed, dimension);
      for (let k = 0; k < digits; k++) this.permutations[dimension].push(permutation(rng, base));
    }
    const perms = this.permutations[dimension];
    let x = 0;
    let scale = 1 / base;
    let i = index;
    for (let k = 0; k < digits; k++, scale /= base) {
      x += perms[k][i % base] * scale;
      i = Math.floor(i / base);
    }
    return Math.min(x, 1 - 2 ** -53);
  }
}

/** A uniformly random permutation of 0 … base − 1 (Fisher–Yates). */
function permutation(rng: Rng, base: number): Uint16Array {
  const p = Uint16Array.from({ length: base }, (_, i) => i);
  for (let i = base - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
