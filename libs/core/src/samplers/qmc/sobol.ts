import { InvalidArgumentError } from '../../errors';
import { dimensionRng } from './dimension-rng';
import { JOE_KUO_DIRECTION_ROWS } from './sobol-direction-numbers';

/** Bits per coordinate: points are multiples of 2⁻³². */
const BITS = 32;
/** Dimensions covered by the bundled direction numbers. */
export const SOBOL_MAX_DIMENSION = 1024;
/** Points per sequence: indices are < 2³². */
export const SOBOL_MAX_POINTS = 2 ** 32;

let rows: number[][] | null = null;

function parsedRows(): number[][] {
  rows ??= JOE_KUO_DIRECTION_ROWS.trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  return rows;
}

/**
 * The 32 direction numbers v_1 … v_32 of one dimension (0-based), scaled by 2³²: v_j = m_j / 2^j with
 * m_j from the table for j ≤ s, then the recurrence of the primitive polynomial
 * x^s + a_1 x^(s−1) + … + a_(s−1) x + 1:  v_j = a_1 v_(j−1) ⊕ … ⊕ a_(s−1) v_(j−s+1) ⊕ v_(j−s) ⊕ (v_(j−s) ≫ s).
 */
export function sobolDirectionNumbers(dimension: number): Uint32Array {
  if (!Number.isInteger(dimension) || dimension < 0 || dimension >= SOBOL_MAX_DIMENSION) {
    throw new InvalidArgumentError(
      `Sobol dimension must be an integer in [0, ${SOBOL_MAX_DIMENSION}), got ${dimension}`,
    );
  }
  const v = new Uint32Array(BITS);
  if (dimension === 0) {
    for (let j = 0; j < BITS; j++) v[j] = 2 ** (BITS - 1 - j);
    return v;
  }
  const [s, a, ...m] = parsedRows()[dimension - 1];
  for (let j = 0; j < Math.min(s, BITS); j++) v[j] = m[j] * 2 ** (BITS - 1 - j);
  for (let j = s; j < BITS; j++) {
    let x = v[j - s] ^ (v[j - s] >>> s);
    for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x ^= v[j - k];
    v[j] = x >>> 0;
  }
  return v;
}

function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/**
 * A Sobol' sequence in Gray-code order (point i = ⊕ of the v_j whose bit j is set in i ⊕ (i ≫ 1)), whose
 * first 2^k points form a (t, k, d)-net: every dyadic box of volume 2^(t−k) holds 2^t of them, so each
 * half, quarter, … of each axis gets its exact share.
 *
 * Scrambled (given a seed), it is randomized as J. Matoušek's linear matrix scramble
 * plus a digital shift (Owen, "Monte Carlo Book: the Quasi-Monte Carlo parts", 2019): each dimension's
 * direction numbers are multiplied (over GF(2)) by a random lower-triangular bit matrix with unit
 * diagonal, and every point is XOR-ed with a random 32-bit word. Both keep the net property, and every
 * point, the first included, is uniform on [0, 1)^d.
 */
export class SobolSequence {
  private readonly directions: Uint32Array[] = [];
  private readonly shifts: number[] = [];

  /** @param scrambleSeed - seed of the scramble (each dimension draws its own from it); null for the plain sequence. */
  constructor(private readonly scrambleSeed: number | null) {}

  /** Coordinate `dimension` (0-based) of point `index` (0-based), in [0, 1). */
  coordinate(index: number, dimension: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= SOBOL_MAX_POINTS) {
      throw new InvalidArgumentError(`Sobol index must be an integer in [0, 2^32), got ${index}`);
    }
    while (this.directions.length <= dimension) this.prepare(this.directions.length);
    const v = this.directions[dimension];
    // Gray code g = i ⊕ ⌊i/2⌋, on 32-bit words (indices below 2^32).
    const gray = (index ^ Math.floor(index / 2)) >>> 0;
    let x = this.shifts[dimension];
    for (let j = 0, g = gray; g !== 0; j++, g >>>= 1) if (g & 1) x ^= v[j];
    return (x >>> 0) / 2 ** BITS;
  }

  /** Point `index`, in dimensions 0 … d − 1. */
  point(index: number, d: number): number[] {
    return Array.from({ length: d }, (_, k) => this.coordinate(index, k));
  }

  private prepare(dimension: number): void {
    const v = sobolDirectionNumbers(dimension);
    if (this.scrambleSeed === null) {
      this.directions.push(v);
      this.shifts.push(0);
      return;
    }
    // Row p (p = 0 is the most significant bit) of the lower-triangular matrix L: random bits in the
    // columns q < p, and 1 on the diagonal. Output bit p of L·v is the parity of (row p AND v).
    const rng = dimensionRng(this.scrambleSeed, dimension);
    const word = () => Math.floor(rng.random() * 2 ** 32) >>> 0;
    const lower = new Uint32Array(BITS);
    for (let p = 0; p < BITS; p++) {
      const above = p === 0 ? 0 : (word() & ~(2 ** (BITS - p) - 1)) >>> 0;
      lower[p] = (above | (2 ** (BITS - 1 - p))) >>> 0;
    }
    const scrambled = Uint32Array.from(v, (vj) => {
      let out = 0;
      for (let p = 0; p < BITS; p++) if (parity(lower[p] & vj)) out |= 2 ** (BITS - 1 - p);
      return out >>> 0;
    });
    this.directions.push(scrambled);
    this.shifts.push(word());
  }
}
