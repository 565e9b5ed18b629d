/**
 * The seeded pseudo-random generator of the core: xoshiro128** (Blackman & Vigna, 2018), a 128-bit
 * state of four uint32 words, seeded through splitmix32 so that nearby seeds give unrelated streams.
 * Doubles take 53 bits from two outputs. The state is plain JSON (`getState`/`setState`), so a
 * sampler can save it and continue in another process. `Math.random` is never used in the core.
 */
export interface Rng {
  /** Uniform double in [0, 1). */
  random(): number;
  /** Uniform double in [low, high). */
  uniform(low: number, high: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** A new independent generator whose seed is drawn from this one. */
  fork(): Rng;
  getState(): number[];
  setState(state: readonly number[]): void;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Xoshiro128 implements Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** @param seed - any finite number; integers up to 2^53 keep all their bits. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    const hi = Math.floor(Math.abs(seed) / 2 ** 32) >>> 0;
    const lo = Math.abs(seed) >>> 0;
    const mix = splitmix32((lo ^ Math.imul(hi, 0x27d4eb2f) ^ (seed < 0 ? 0x5bd1e995 : 0)) >>> 0);
    this.s0 = mix();
    this.s1 = mix();
    this.s2 = mix();
    this.s3 = mix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  random(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`int(n) needs an integer n > 0, got ${n}`);
    return Math.floor(this.random() * n);
  }

  normal(): number {
    // Box–Muller; 1 - u keeps the logarithm finite.
    const u = 1 - this.random();
    const v = this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  fork(): Rng {
    return new Xoshiro128(this.nextUint32() * 2 ** 21 + (this.nextUint32() >>> 11));
  }

  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 4 || state.some((x) => !Number.isInteger(x) || x < 0 || x > 0xffffffff)) {
      throw new RangeError(`xoshiro128** state must be four uint32 words, got ${JSON.stringify(state)}`);
    }
    [this.s0, this.s1, this.s2, this.s3] = state;
  }
}

/** A generator for `seed`, or for a seed drawn from `entropy` when no seed is given. */
export function createRng(seed: number | undefined, entropy: () => number = defaultEntropy): Rng {
  return new Xoshiro128(seed ?? Math.floor(entropy() * 2 ** 53));
}

// Unseeded studies need some entropy; this is the one place the core draws it (Web Crypto, no I/O),
// and seeded ones never do.
function defaultEntropy(): number {
  const words = globalThis.crypto.getRandomValues(new Uint32Array(2));
  return (words[0] * 2 ** 21 + (words[1] >>> 11)) / 2 ** 53;
}

/**
 * A generator determined by a seed and a path of labels (e.g. trial number and parameter name), so that
 * a value depends on which trial and parameter it is for, not on the order in which processes or
 * concurrent trials asked: the same seed gives the same trials, embedded or distributed.
 */
export function deriveRng(seed: number, ...path: ReadonlyArray<number | string>): Rng {
  // FNV-1a over the seed and the labels, in two 32-bit lanes for a 53-bit seed.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ (seed >>> 0);
  const text = `${seed}|${path.join('|')}`;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return new Xoshiro128(h1 * 2 ** 21 + (h2 >>> 11));
}
