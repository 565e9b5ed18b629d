import { lbfgsb } from '../../math/lbfgsb';
import type { Rng } from '../../random/rng';
import type { GpInputEncoding } from './gp-input-encoding';
import type { Acquisition } from './acquisition';

export interface AcquisitionSearchOptions {
  /** Quasi-random points scored before the local searches. */
  nCandidates: number;
  /** Local searches: from the best candidate, the warm starts, and candidates drawn by roulette. */
  nLocalSearch: number;
  /** Projected-gradient tolerance of the continuous searches (in length-scale units). */
  pgtol: number;
  /** Iterations of each continuous L-BFGS-B search. */
  maxIterations: number;
  /** `count` points of [0, 1)^dim, row-major (a scrambled Sobol sequence). */
  unitPoints: (count: number, dim: number) => Float64Array;
  rng: Rng;
}

export interface AcquisitionOptimum {
  x: Float64Array;
  value: number;
}

// Discrete coordinates with at most this many values are searched exhaustively, larger grids by a
// golden-section search over their indices.
const MAX_EXHAUSTIVE = 16;
// Alternations of continuous and discrete searches per start.
const MAX_ROUNDS = 100;

/**
 * Maximizes the acquisition over the space:
 * 1. scores `nCandidates` quasi-random points (discrete coordinates on their grids);
 * 2. starts local searches from the best of them, from each warm start (e.g. the best trial so far) and
 *    from further candidates drawn without replacement with probability ∝ exp(acq − max acq) (a roulette that
 *    favours good regions but keeps some diversity);
 * 3. each local search alternates L-BFGS-B over the continuous coordinates — in units of their length scales,
 *    x = ℓ·u, which equalizes the curvature across coordinates — with a search of each discrete coordinate on
 *    its grid (exhaustive for categoricals and small grids, golden section for large ones), until a round
 *    changes nothing;
 * 4. returns the best point found.
 *
 * @param lengthscales - ℓⱼ of the fitted kernel, per coordinate
 */
export function optimizeAcquisition(
  acq: Acquisition,
  encoding: GpInputEncoding,
  lengthscales: Float64Array,
  warmStarts: readonly Float64Array[],
  options: AcquisitionSearchOptions,
): AcquisitionOptimum {
  const dim = encoding.dim;
  const count = options.nCandidates;
  const candidates = options.unitPoints(count, dim);
  for (let p = 0; p < count; p++) encoding.fromUnitCube(candidates, p * dim);
  const scores = new Float64Array(count);
  acq.values(candidates, count, scores);
  let bestIndex = 0;
  for (let p = 1; p < count; p++) if (scores[p] > scores[bestIndex]) bestIndex = p;

  const starts: Float64Array[] = [candidates.slice(bestIndex * dim, (bestIndex + 1) * dim)];
  const nRoulette = Math.max(0, options.nLocalSearch - 1 - warmStarts.length);
  for (const p of roulette(scores, bestIndex, nRoulette, options.rng))
    starts.push(candidates.slice(p * dim, (p + 1) * dim));
  for (const w of warmStarts) starts.push(Float64Array.from(w));

  const search = new LocalSearch(acq, encoding, lengthscales, options);
  let best: AcquisitionOptimum = { x: starts[0], value: scores[bestIndex] };
  for (const start of starts) {
    const found = search.run(start);
    if (found.value > best.value) best = found;
  }
  return best;
}

/**
 * Up to `k` indices other than `exclude`, drawn without replacement with probability ∝ exp(score − max);
 * indices whose probability underflows to 0 are never drawn (so fewer may come back).
 */
function roulette(scores: Float64Array, exclude: number, k: number, rng: Rng): number[] {
  const max = scores[exclude];
  const weights = new Float64Array(scores.length);
  let total = 0;
  for (let p = 0; p < scores.length; p++) {
    weights[p] = p === exclude || !Number.isFinite(scores[p]) ? 0 : Math.exp(scores[p] - max);
    total += weights[p];
  }
  const chosen: number[] = [];
  while (chosen.length < k && total > 0) {
    let u = rng.random() * total;
    let p = 0;
    for (; p < weights.length - 1; p++) {
      if (weights[p] === 0) continue;
      u -= weights[p];
      if (u < 0) break;
    }
    if (weights[p] === 0) break; // rounding left nothing at the end
    chosen.push(p);
    total -= weights[p];
    weights[p] = 0;
  }
  return chosen;
}

/** The local search of one start point (see optimizeAcquisition). */
class LocalSearch {
  private readonly continuous: number[] = [];
  private readonly discrete: number[] = [];
  private readonly grad: Float64Array;

  constructor(
    private readonly acq: Acquisition,
    private readonly encoding: GpInputEncoding,
    private readonly lengthscales: Float64Array,
    private readonly options: AcquisitionSearchOptions,
  ) {
    for (let j = 0; j < encoding.dim; j++)
      (encoding.kinds[j] === 'continuous' ? this.continuous : this.discrete).push(j);
    this.grad = new Float64Array(encoding.dim);
  }

  run(start: Float64Array): AcquisitionOptimum {
    let x: Float64Array = Float64Array.from(start);
    let value = this.acq.value(x);
    const CONTINUOUS = -1;
    let lastChanged: number | null = null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (lastChanged === CONTINUOUS) break; // nothing moved since the last continuous search
      if (this.continuous.length > 0) {
        const r = this.gradientAscent(x, value);
        if (r) {
          x = r.x;
          value = r.value;
          lastChanged = CONTINUOUS;
        }
      }
      for (const j of this.discrete) {
        if (lastChanged === j) return { x, value }; // a full round since coordinate j last moved
        const r =
          this.encoding.size(j) <= MAX_EXHAUSTIVE
            ? this.exhaustive(x, value, j)
            : this.goldenSection(x, value, j);
        if (r) {
          x = r.x;
          value = r.value;
          lastChanged = j;
        }
      }
      if (lastChanged === null) break; // the start was already a local optimum
    }
    return { x, value };
  }

  /** L-BFGS-B over the continuous coordinates in length-scale units u = x/ℓ (bounds [0, 1/ℓ]); null if no gain. */
  private gradientAscent(x0: Float64Array, value0: number): AcquisitionOptimum | null {
    const idx = this.continuous;
    const ls = this.lengthscales;
    const x = Float64Array.from(x0);
    const grad = this.grad;
    const u0 = Float64Array.from(idx, (j) => x0[j] / ls[j]);
    const upper = Float64Array.from(idx, (j) => 1 / ls[j]);
    const result = lbfgsb(
      (u, g) => {
        for (let p = 0; p < idx.length; p++) x[idx[p]] = u[p] * ls[idx[p]];
        const v = this.acq.valueWithGradient(x, grad);
        // Minimize −acq; d/du = d/dx · ℓ.
        for (let p = 0; p < idx.length; p++) g[p] = -grad[idx[p]] * ls[idx[p]];
        return -v;
      },
      u0,
      {
        lower: new Float64Array(idx.length),
        upper,
        pgtol: this.options.pgtol,
        maxIterations: this.options.maxIterations,
      },
    );
    if (!(-result.f > value0) || result.iterations === 0) return null;
    for (let p = 0; p < idx.length; p++) x[idx[p]] = result.x[p] * ls[idx[p]];
    return { x, value: -result.f };
  }

  /** Every other value of coordinate j, scored at once; the best if it beats the current value. */
  private exhaustive(x0: Float64Array, value0: number, j: number): AcquisitionOptimum | null {
    const dim = this.encoding.dim;
    const size = this.encoding.size(j);
    const current = this.encoding.gridIndex(j, x0[j]);
    const points = new Float64Array((size - 1) * dim);
    let row = 0;
    for (let k = 0; k < size; k++) {
      if (k === current) continue;
      points.set(x0, row * dim);
      points[row * dim + j] = this.encoding.gridValue(j, k);
      row++;
    }
    const scores = new Float64Array(row);
    this.acq.values(points, row, scores);
    let best = -1;
    for (let r = 0; r < row; r++) if (scores[r] > (best < 0 ? value0 : scores[best])) best = r;
    if (best < 0) return null;
    return { x: points.slice(best * dim, (best + 1) * dim), value: scores[best] };
  }

  /**
   * Golden-section search over the grid indices of coordinate j, bracketed by the two ends (scored as −∞, as
   * if the acquisition fell off outside the grid) around the current index; the best index it meets, if that
   * beats the current value.
   */
  private goldenSection(x0: Float64Array, value0: number, j: number): AcquisitionOptimum | null {
    const size = this.encoding.size(j);
    const x = Float64Array.from(x0);
    const cache = new Map<number, number>();
    const current = this.encoding.gridIndex(j, x0[j]);
    cache.set(current, value0);
    const f = (k: number): number => {
      if (k < 0 || k >= size) return -Infinity;
      let v = cache.get(k);
      if (v === undefined) {
        x[j] = this.encoding.gridValue(j, k);
        v = this.acq.value(x);
        cache.set(k, v);
      }
      return v;
    };
    const ratio = 0.3819660112501051; // 2 − φ
    let a = -1;
    let b = current;
    let c = size;
    while (c - a > 2) {
      // Probe the larger side of the bracket, at the golden ratio.
      const left = b - a >= c - b;
      const probe = left ? Math.round(b - ratio * (b - a)) : Math.round(b + ratio * (c - b));
      const t = probe === b ? (left ? b - 1 : b + 1) : probe;
      if (f(t) > f(b)) {
        if (t < b) c = b;
        else a = b;
        b = t;
      } else if (t < b) a = t;
      else c = t;
    }
    let bestK = current;
    for (const [k, v] of cache) if (v > cache.get(bestK)!) bestK = k;
    if (bestK === current) return null;
    x[j] = this.encoding.gridValue(j, bestK);
    return { x, value: cache.get(bestK)! };
  }
}
