import type { Rng } from '../../random/rng';

/**
 * The crossovers of NSGA-II, as Optuna names them. Each mixes the numeric parameters of its parents in
 * the sampler's normalized space (every range, after the log for log parameters, mapped to [0, 1]) and
 * returns one child, which may fall outside [0, 1] (the sampler draws again, then clips).
 */
export const NSGA2_CROSSOVERS = ['uniform', 'sbx', 'blxalpha', 'spx', 'undx', 'vsbx'] as const;
export type Nsga2Crossover = (typeof NSGA2_CROSSOVERS)[number];

/** How many parents each crossover mixes. */
export const CROSSOVER_PARENTS: Readonly<Record<Nsga2Crossover, number>> = {
  uniform: 2,
  sbx: 2,
  blxalpha: 2,
  spx: 3,
  undx: 3,
  vsbx: 2,
};

export interface CrossoverSettings {
  /** Uniform crossover: the chance that a coordinate comes from the second parent. */
  swappingProb: number;
  /** SBX and vSBX distribution index η: larger keeps children closer to their parents. */
  eta: number;
}

/** BLX-α's α: the child is drawn from the parents' box widened by α of its width on each side. */
export const BLX_ALPHA = 0.5;
/** UNDX's σ_ξ, the spread along the line through the first two parents. */
export const UNDX_SIGMA_XI = 0.5;

/** One child of `parents` (each a point of the normalized space) by the named crossover. */
export function crossover(
  name: Nsga2Crossover,
  parents: readonly (readonly number[])[],
  rng: Rng,
  settings: CrossoverSettings,
): number[] {
  switch (name) {
    case 'uniform':
      return uniformCrossover(parents, rng, settings.swappingProb);
    case 'sbx':
      return sbxCrossover(parents, rng, settings.eta);
    case 'blxalpha':
      return blxAlphaCrossover(parents, rng, BLX_ALPHA);
    case 'spx':
      return simplexCrossover(parents, rng);
    case 'undx':
      return undxCrossover(parents, rng);
    case 'vsbx':
      return vsbxCrossover(parents, rng, settings.eta);
  }
}

/** Each coordinate from the first parent, or with probability `swappingProb` from the second. */
export function uniformCrossover(
  parents: readonly (readonly number[])[],
  rng: Rng,
  swappingProb: number,
): number[] {
  const [a, b] = parents;
  return a.map((v, i) => (rng.random() < swappingProb ? b[i] : v));
}

/** BLX-α (Eshelman & Schaffer 1993): each coordinate uniform in the parents' interval widened by α each side. */
export function blxAlphaCrossover(
  parents: readonly (readonly number[])[],
  rng: Rng,
  alpha: number,
): number[] {
  const [a, b] = parents;
  return a.map((v, i) => {
    const low = Math.min(v, b[i]);
    const high = Math.max(v, b[i]);
    const spread = alpha * (high - low);
    return rng.uniform(low - spread, high + spread);
  });
}

/**
 * Simulated binary crossover bounded to [0, 1] (Deb & Agrawal 1995; Deb's bounded form): each coordinate,
 * with probability 1/2, is one of the two SBX children's (spread by η), else one of the parents'.
 */
export function sbxCrossover(parents: readonly (readonly number[])[], rng: Rng, eta: number): number[] {
  const [a, b] = parents;
  return a.map((v, i) => {
    const w = b[i];
    if (rng.random() >= 0.5 || Math.abs(v - w) < 1e-14) return rng.random() < 0.5 ? v : w;
    const y1 = Math.min(v, w);
    const y2 = Math.max(v, w);
    const u = rng.random();
    const spreadBelow = boundedSpread(1 + (2 * y1) / (y2 - y1), u, eta);
    const spreadAbove = boundedSpread(1 + (2 * (1 - y2)) / (y2 - y1), u, eta);
    const c1 = 0.5 * (y1 + y2 - spreadBelow * (y2 - y1));
    const c2 = 0.5 * (y1 + y2 + spreadAbove * (y2 - y1));
    return rng.random() < 0.5 ? c1 : c2;
  });
}

/** βq of bounded SBX: the spread factor whose distribution stops at the bound β away. */
function boundedSpread(beta: number, u: number, eta: number): number {
  const alpha = 2 - Math.pow(beta, -(eta + 1));
  return u <= 1 / alpha ? Math.pow(u * alpha, 1 / (eta + 1)) : Math.pow(1 / (2 - u * alpha), 1 / (eta + 1));
}

/**
 * vSBX (Hamdan 2012, as Optuna implements it): two children from spread factors of both tails; each
 * coordinate, with probability 1/2, from the children (in random order), else from the parents; then one
 * of the two children.
 */
export function vsbxCrossover(parents: readonly (readonly number[])[], rng: Rng, eta: number): number[] {
  const [a, b] = parents;
  const first: number[] = [];
  const second: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const u = rng.random();
    const beta1 = Math.pow(0.5 * u, 1 / (eta + 1));
    const beta2 = Math.pow(0.5 * (1 - u), 1 / (eta + 1));
    let c1: number;
    let c2: number;
    if (u <= 0.5) {
      c1 = 0.5 * ((1 + beta1) * a[i] + (1 - beta1) * b[i]);
      c2 = 0.5 * ((3 - beta2) * a[i] - (1 - beta2) * b[i]);
    } else {
      c1 = 0.5 * ((1 - beta1) * a[i] + (1 + beta1) * b[i]);
      c2 = 0.5 * (-(1 - beta2) * a[i] + (3 - beta2) * b[i]);
    }
    const [x, y] = rng.random() < 0.5 ? [c1, c2] : [a[i], b[i]];
    if (rng.random() < 0.5) {
      first.push(x);
      second.push(y);
    } else {
      first.push(y);
      second.push(x);
    }
  }
  return rng.random() < 0.5 ? first : second;
}

/**
 * Simplex crossover (Tsutsui, Yamamura & Higuchi 1999) of k parents: the simplex they span, expanded by
 * ε = √(n + 2) about its centroid, sampled uniformly.
 */
export function simplexCrossover(parents: readonly (readonly number[])[], rng: Rng): number[] {
  const n = parents[0].length;
  const k = parents.length;
  const epsilon = Math.sqrt(n + 2);
  const centroid = new Array<number>(n).fill(0);
  for (const p of parents) for (let i = 0; i < n; i++) centroid[i] += p[i] / k;
  const expanded = parents.map((p) => p.map((v, i) => centroid[i] + epsilon * (v - centroid[i])));
  let c = new Array<number>(n).fill(0);
  for (let j = 1; j < k; j++) {
    const r = Math.pow(rng.random(), 1 / j);
    c = c.map((cv, i) => r * (expanded[j - 1][i] - expanded[j][i] + cv));
  }
  return expanded[k - 1].map((v, i) => v + c[i]);
}

/**
 * Unimodal normal distribution crossover (Ono & Kobayashi 1997): about the midpoint of the first two
 * parents, normal along their difference (σ_ξ) and, in the orthogonal directions, normal scaled by the
 * third parent's distance to their line (σ_η = 0.35/√n).
 */
export function undxCrossover(parents: readonly (readonly number[])[], rng: Rng): number[] {
  const [a, b, c] = parents;
  const n = a.length;
  const sigmaEta = 0.35 / Math.sqrt(n);
  const mid = a.map((v, i) => (v + b[i]) / 2);
  const diff = a.map((v, i) => v - b[i]);
  const norm = Math.hypot(...diff);
  const child = mid.map((v, i) => v + UNDX_SIGMA_XI * rng.normal() * diff[i]);
  if (n === 1) return child;
  const axis = norm > 0 ? diff.map((v) => v / norm) : null;
  // Distance from the third parent to the line through the first two.
  const toThird = c.map((v, i) => v - a[i]);
  const along = axis ? toThird.reduce((s, v, i) => s + v * axis[i], 0) : 0;
  const distance = Math.hypot(...toThird.map((v, i) => v - (axis ? along * axis[i] : 0)));
  for (const e of orthogonalBasis(axis, n)) {
    const eta = sigmaEta * rng.normal();
    for (let i = 0; i < n; i++) child[i] += distance * eta * e[i];
  }
  return child;
}

/** An orthonormal basis of the complement of `axis` (n − 1 vectors), or of the whole space when null. */
function orthogonalBasis(axis: readonly number[] | null, n: number): number[][] {
  const basis: number[][] = axis ? [[...axis]] : [];
  for (let j = 0; j < n && basis.length < n; j++) {
    const v = new Array<number>(n).fill(0);
    v[j] = 1;
    for (const e of basis) {
      const dot = v.reduce((s, x, i) => s + x * e[i], 0);
      for (let i = 0; i < n; i++) v[i] -= dot * e[i];
    }
    const len = Math.hypot(...v);
    if (len > 1e-8) basis.push(v.map((x) => x / len));
  }
  return axis ? basis.slice(1) : basis;
}
