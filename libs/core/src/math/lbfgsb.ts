/**
 * L-BFGS-B: minimization of a smooth function subject to bounds l <= x <= u (Byrd, Lu, Nocedal & Zhu 1995,
 * "A limited memory algorithm for bound constrained optimization", with the projection step of Morales &
 * Nocedal 2011). Each iteration:
 *
 * 1. builds the limited-memory BFGS matrix B from the last `memory` pairs (s, y) — the compact form
 *    θI − W M Wᵀ of the paper is exactly θI updated by BFGS with those pairs, which is how it is formed here
 *    (dense, for the small problems of the core: n up to a few dozen);
 * 2. finds the generalized Cauchy point x^c: the first local minimizer of the quadratic model
 *    m(z) = gᵀz + ½ zᵀBz along the projected steepest-descent path P(x − t g), segment by segment between
 *    the breakpoints where variables reach a bound (Algorithm CP);
 * 3. minimizes the model over the variables still free at x^c (B_FF Δ = −(g + B(x^c − x))_F), projects the
 *    result onto the box, and falls back to the truncated step or to x^c when that is not a descent direction;
 * 4. searches the line x + α d for a step satisfying the strong Wolfe conditions (never leaving the box);
 * 5. keeps the pair (s, y) when sᵀy > ε yᵀy, so that B stays positive definite.
 *
 * It stops when the projected gradient's largest entry is <= pgtol, when the relative reduction of f falls
 * below factr × machine epsilon, or at the iteration or evaluation limits.
 */

/** Returns f(x) and writes ∇f(x) into `grad`. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsbOptions {
  /** Lower bounds (−Infinity for none). @defaultValue unbounded */
  lower?: ArrayLike<number>;
  /** Upper bounds (+Infinity for none). @defaultValue unbounded */
  upper?: ArrayLike<number>;
  /** Correction pairs kept (m). @defaultValue 10 */
  memory?: number;
  /** @defaultValue 15000 */
  maxIterations?: number;
  /** Function evaluations allowed, line searches included. @defaultValue 15000 */
  maxEvaluations?: number;
  /** Stop when max_i |proj g_i| <= pgtol. @defaultValue 1e-5 */
  pgtol?: number;
  /** Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= factr × 2.2e-16. @defaultValue 1e7 */
  factr?: number;
}

export type LbfgsbStop = 'pgtol' | 'factr' | 'maxIterations' | 'maxEvaluations' | 'lineSearch';

export interface LbfgsbResult {
  x: Float64Array;
  f: number;
  grad: Float64Array;
  iterations: number;
  evaluations: number;
  /** Why it stopped: 'pgtol' and 'factr' are convergence; 'lineSearch' means no decrease could be found. */
  stop: LbfgsbStop;
}

const EPSMCH = 2.220446049250313e-16;
// Strong Wolfe constants and the step limit of each line search (those of the reference code).
const FTOL = 1e-3;
const GTOL = 0.9;
const MAX_LINE_SEARCH = 20;

function positiveInteger(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1)
    throw new RangeError(`lbfgsb: ${name} must be an integer >= 1, got ${v}`);
  return v;
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** max_i |proj g_i|, the projected gradient: the part of −g that can be followed without leaving the box. */
function projectedGradientNorm(x: Float64Array, g: Float64Array, lo: Float64Array, hi: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i] < 0 ? Math.max(x[i] - hi[i], g[i]) : Math.min(x[i] - lo[i], g[i]);
    m = Math.max(m, Math.abs(gi));
  }
  return m;
}

/** Minimizes `fg` over the box [lower, upper] from `x0` (projected onto the box first). */
export function lbfgsb(
  fg: ObjectiveWithGradient,
  x0: ArrayLike<number>,
  options: LbfgsbOptions = {},
): LbfgsbResult {
  const n = x0.length;
  const memory = positiveInteger('memory', options.memory ?? 10);
  const maxIterations = options.maxIterations ?? 15000;
  if (!Number.isInteger(maxIterations) || maxIterations < 0) {
    throw new RangeError(`lbfgsb: maxIterations must be an integer >= 0, got ${maxIterations}`);
  }
  const maxEvaluations = positiveInteger('maxEvaluations', options.maxEvaluations ?? 15000);
  const pgtol = options.pgtol ?? 1e-5;
  if (!(pgtol >= 0)) throw new RangeError(`lbfgsb: pgtol must be a number >= 0, got ${pgtol}`);
  const factr = options.factr ?? 1e7;
  if (!(factr >= 0)) throw new RangeError(`lbfgsb: factr must be a number >= 0, got ${factr}`);
  const lo = new Float64Array(n).fill(-Infinity);
  const hi = new Float64Array(n).fill(Infinity);
  for (const [name, src, dst] of [
    ['lower', options.lower, lo],
    ['upper', options.upper, hi],
  ] as const) {
    if (src === undefined) continue;
    if (src.length !== n)
      throw new RangeError(`lbfgsb: ${name} must have ${n} entries (one per variable), got ${src.length}`);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(src[i])) throw new RangeError(`lbfgsb: ${name}[${i}] is NaN`);
      dst[i] = src[i];
    }
  }
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (lo[i] > hi[i]) throw new RangeError(`lbfgsb: lower[${i}] = ${lo[i]} is above upper[${i}] = ${hi[i]}`);
    if (!Number.isFinite(x0[i])) throw new RangeError(`lbfgsb: x0[${i}] must be finite, got ${x0[i]}`);
    x[i] = Math.min(hi[i], Math.max(lo[i], x0[i]));
  }
  const g = new Float64Array(n);
  let f = fg(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f))
    throw new RangeError(`lbfgsb: the objective must be finite at the start point, got ${f}`);

  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  let theta = 1;
  const ws = new Workspace(n);
  let iterations = 0;
  let stop: LbfgsbStop;
  for (;;) {
    if (projectedGradientNorm(x, g, lo, hi) <= pgtol) {
      stop = 'pgtol';
      break;
    }
    if (iterations >= maxIterations) {
      stop = 'maxIterations';
      break;
    }
    if (evaluations >= maxEvaluations) {
      stop = 'maxEvaluations';
      break;
    }
    buildBfgsMatrix(ws.b, n, sList, yList, theta);
    cauchyPoint(ws, x, g, lo, hi);
    searchDirection(ws, x, g, lo, hi);
    const d = ws.d;
    // The largest step that keeps x + αd in the box (>= 1, since x + d is inside).
    let stepMax = Infinity;
    for (let i = 0; i < n; i++) {
      if (d[i] > 0 && hi[i] < Infinity) stepMax = Math.min(stepMax, (hi[i] - x[i]) / d[i]);
      else if (d[i] < 0 && lo[i] > -Infinity) stepMax = Math.min(stepMax, (lo[i] - x[i]) / d[i]);
    }
    const dnorm = Math.sqrt(dot(d, d, n));
    // Without curvature pairs the step has the scale of the gradient: start at a unit move.
    const step0 = sList.length === 0 ? Math.min(1 / dnorm, stepMax) : Math.min(1, stepMax);
    const fOld = f;
    const search = lineSearch(fg, ws, x, f, g, d, step0, stepMax, lo, hi, maxEvaluations - evaluations);
    evaluations += search.evaluations;
    if (!search.ok) {
      if (sList.length > 0) {
        // A poor quasi-Newton model: forget it and retry from steepest descent.
        sList.length = 0;
        yList.length = 0;
        theta = 1;
        continue;
      }
      stop = evaluations >= maxEvaluations ? 'maxEvaluations' : 'lineSearch';
      break;
    }
    iterations++;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = ws.xNew[i] - x[i];
      y[i] = ws.gNew[i] - g[i];
    }
    x.set(ws.xNew);
    g.set(ws.gNew);
    f = search.f;
    const sy = dot(s, y, n);
    const yy = dot(y, y, n);
    if (sy > EPSMCH * yy) {
      sList.push(s);
      yList.push(y);
      if (sList.length > memory) {
        sList.shift();
        yList.shift();
      }
      theta = yy / sy;
    }
    if (fOld - f <= factr * EPSMCH * Math.max(Math.abs(fOld), Math.abs(f), 1)) {
      stop = 'factr';
      break;
    }
  }
  return { x, f, grad: g, iterations, evaluations, stop };
}

/** Scratch arrays of one run. */
class Workspace {
  readonly b: Float64Array;
  readonly xc: Float64Array;
  readonly free: Uint8Array;
  readonly d: Float64Array;
  readonly xNew: Float64Array;
  readonly gNew: Float64Array;
  readonly xTry: Float64Array;
  readonly gTry: Float64Array;
  readonly t: Float64Array;
  readonly dc: Float64Array;
  readonly z: Float64Array;
  readonly bd: Float64Array;
  readonly bz: Float64Array;

  constructor(readonly n: number) {
    this.b = new Float64Array(n * n);
    this.xc = new Float64Array(n);
    this.free = new Uint8Array(n);
    this.d = new Float64Array(n);
    this.xNew = new Float64Array(n);
    this.gNew = new Float64Array(n);
    this.xTry = new Float64Array(n);
    this.gTry = new Float64Array(n);
    this.t = new Float64Array(n);
    this.dc = new Float64Array(n);
    this.z = new Float64Array(n);
    this.bd = new Float64Array(n);
    this.bz = new Float64Array(n);
  }
}

/** B = θI followed by the BFGS updates B ← B − (Bs)(Bs)ᵀ/(sᵀBs) + yyᵀ/(yᵀs), oldest pair first. */
function buildBfgsMatrix(
  b: Float64Array,
  n: number,
  sList: Float64Array[],
  yList: Float64Array[],
  theta: number,
): void {
  b.fill(0);
  for (let i = 0; i < n; i++) b[i * n + i] = theta;
  const bs = new Float64Array(n);
  for (let p = 0; p < sList.length; p++) {
    const s = sList[p];
    const y = yList[p];
    for (let i = 0; i < n; i++) {
      let v = 0;
      const ri = i * n;
      for (let j = 0; j < n; j++) v += b[ri + j] * s[j];
      bs[i] = v;
    }
    const sbs = dot(s, bs, n);
    const ys = dot(y, s, n);
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      const a = bs[i] / sbs;
      const c = y[i] / ys;
      for (let j = 0; j < n; j++) b[ri + j] += c * y[j] - a * bs[j];
    }
  }
}

/**
 * The generalized Cauchy point into ws.xc, and ws.free[i] = 1 for the variables not held at a bound there.
 * Along segment j of the path the model's slope is f′ = gᵀd + dᵀBz and its curvature f″ = dᵀBd, where z is
 * the move so far and d the direction with the variables already at their bounds zeroed; Bz and Bd are
 * updated in O(n) per breakpoint from the columns of B.
 */
function cauchyPoint(
  ws: Workspace,
  x: Float64Array,
  g: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
): void {
  const { n, b, xc, free, t, dc: d, z, bd, bz } = ws;
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    xc[i] = x[i];
    z[i] = 0;
    bz[i] = 0;
    if (g[i] < 0) t[i] = hi[i] < Infinity ? (x[i] - hi[i]) / g[i] : Infinity;
    else if (g[i] > 0) t[i] = lo[i] > -Infinity ? (x[i] - lo[i]) / g[i] : Infinity;
    else t[i] = Infinity;
    // A variable already at the bound the gradient pushes it to cannot move at all.
    free[i] = t[i] > 0 ? 1 : 0;
    d[i] = t[i] > 0 ? -g[i] : 0;
    if (t[i] > 0 && t[i] < Infinity) order.push(i);
  }
  order.sort((p, q) => t[p] - t[q]);
  for (let i = 0; i < n; i++) {
    let v = 0;
    const ri = i * n;
    for (let j = 0; j < n; j++) v += b[ri + j] * d[j];
    bd[i] = v;
  }
  let fp = -dot(d, d, n);
  let fpp = dot(d, bd, n);
  if (fp === 0) return; // projected gradient 0: x itself
  let dtMin = fpp > 0 ? -fp / fpp : Infinity;
  let tOld = 0;
  for (const k of order) {
    const dt = t[k] - tOld;
    if (dtMin < dt) break;
    // Move to the breakpoint of variable k, then hold k at its bound.
    for (let i = 0; i < n; i++) {
      z[i] += dt * d[i];
      bz[i] += dt * bd[i];
    }
    const bound = d[k] > 0 ? hi[k] : lo[k];
    const exact = bound - x[k];
    const dk = d[k];
    for (let i = 0; i < n; i++) {
      const bik = b[i * n + k];
      bz[i] += (exact - z[k]) * bik;
      bd[i] -= dk * bik;
    }
    z[k] = exact;
    d[k] = 0;
    free[k] = 0;
    tOld = t[k];
    fp = dot(g, d, n) + dot(d, bz, n);
    fpp = dot(d, bd, n);
    if (fp >= 0 || fpp <= 0) {
      dtMin = 0;
      break;
    }
    dtMin = -fp / fpp;
  }
  if (!(dtMin < Infinity)) dtMin = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] + z[i] + dtMin * d[i];
    xc[i] = Math.min(hi[i], Math.max(lo[i], v));
  }
}

/**
 * Subspace minimization from the Cauchy point over the free variables, then the search direction into ws.d:
 * the projected minimizer if that is a descent direction, else the truncated step, else x^c − x.
 */
function searchDirection(
  ws: Workspace,
  x: Float64Array,
  g: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
): void {
  const { n, b, xc, free, d } = ws;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (free[i]) idx.push(i);
  const nf = idx.length;
  for (let i = 0; i < n; i++) d[i] = xc[i] - x[i];
  if (nf === 0) return;
  // Reduced gradient r = (g + B (x^c − x))_F and reduced Hessian B_FF.
  const r = new Float64Array(nf);
  const bff = new Float64Array(nf * nf);
  for (let p = 0; p < nf; p++) {
    const i = idx[p];
    const ri = i * n;
    let v = g[i];
    for (let j = 0; j < n; j++) v += b[ri + j] * d[j];
    r[p] = v;
    for (let q = 0; q < nf; q++) bff[p * nf + q] = b[ri + idx[q]];
  }
  if (!choleskySolveInPlace(bff, nf, r)) return; // keep x^c − x
  // Δ = −r; x̄ = x^c + Δ on F.
  const dx = new Float64Array(n);
  for (let p = 0; p < nf; p++) dx[idx[p]] = -r[p];
  let gd = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.min(hi[i], Math.max(lo[i], xc[i] + dx[i]));
    gd += g[i] * (v - x[i]);
  }
  if (gd < 0) {
    for (let i = 0; i < n; i++) d[i] = Math.min(hi[i], Math.max(lo[i], xc[i] + dx[i])) - x[i];
    return;
  }
  // Truncate instead: the largest α <= 1 with x^c + αΔ inside the box.
  let alpha = 1;
  for (let i = 0; i < n; i++) {
    if (dx[i] > 0) alpha = Math.min(alpha, (hi[i] - xc[i]) / dx[i]);
    else if (dx[i] < 0) alpha = Math.min(alpha, (lo[i] - xc[i]) / dx[i]);
  }
  gd = 0;
  for (let i = 0; i < n; i++) gd += g[i] * (xc[i] + alpha * dx[i] - x[i]);
  if (gd < 0) for (let i = 0; i < n; i++) d[i] = xc[i] + alpha * dx[i] - x[i];
}

/** Solves A v = r in place (A symmetric positive definite, destroyed); false when A is not. */
function choleskySolveInPlace(a: Float64Array, n: number, r: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / a[rj + j];
    }
    let s = a[ri + i];
    for (let k = 0; k < i; k++) s -= a[ri + k] * a[ri + k];
    if (!(s > 0)) return false;
    a[ri + i] = Math.sqrt(s);
  }
  for (let i = 0; i < n; i++) {
    let s = r[i];
    for (let k = 0; k < i; k++) s -= a[i * n + k] * r[k];
    r[i] = s / a[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    const v = r[i] / a[i * n + i];
    r[i] = v;
    for (let k = 0; k < i; k++) r[k] -= a[i * n + k] * v;
  }
  return true;
}

interface LineSearchResult {
  ok: boolean;
  f: number;
  evaluations: number;
}

/**
 * A step α in (0, stepMax] along d with the strong Wolfe conditions φ(α) <= φ(0) + FTOL α φ′(0) and
 * |φ′(α)| <= GTOL |φ′(0)| (Nocedal & Wright, Algorithms 3.5 and 3.6: bracketing, then zooming with
 * safeguarded cubic interpolation). At α = stepMax the sufficient decrease alone is enough. On success the
 * new point and gradient are in ws.xNew / ws.gNew; a step with sufficient decrease is accepted when the
 * evaluations run out.
 */
function lineSearch(
  fg: ObjectiveWithGradient,
  ws: Workspace,
  x: Float64Array,
  f0: number,
  g0: Float64Array,
  d: Float64Array,
  step0: number,
  stepMax: number,
  lo: Float64Array,
  hi: Float64Array,
  budget: number,
): LineSearchResult {
  const n = ws.n;
  const dphi0 = dot(g0, d, n);
  let evaluations = 0;
  const { xTry, gTry } = ws;
  const phi = (alpha: number): [number, number] => {
    for (let i = 0; i < n; i++) xTry[i] = Math.min(hi[i], Math.max(lo[i], x[i] + alpha * d[i]));
    const v = fg(xTry, gTry);
    evaluations++;
    return [v, dot(gTry, d, n)];
  };
  // The best point with sufficient decrease seen so far (the "lo" end of the bracket once zooming).
  let found = false;
  let fFound = f0;
  const accept = (v: number) => {
    found = true;
    fFound = v;
    ws.xNew.set(xTry);
    ws.gNew.set(gTry);
  };
  const armijo = (alpha: number, v: number) => Number.isFinite(v) && v <= f0 + FTOL * alpha * dphi0;
  const limit = Math.min(MAX_LINE_SEARCH, budget);
  if (!(dphi0 < 0) || limit <= 0) return { ok: false, f: f0, evaluations };

  let aPrev = 0;
  let fPrev = f0;
  let dPrev = dphi0;
  let a = Math.min(step0, stepMax);
  let aLo = 0;
  let fLo = f0;
  let dLo = dphi0;
  let aHi = 0;
  let fHi = f0;
  let dHi = dphi0;
  let zooming = false;
  while (evaluations < limit) {
    const [fa, da] = phi(a);
    if (!armijo(a, fa) || (evaluations > 1 && fa >= fPrev)) {
      [aLo, fLo, dLo, aHi, fHi, dHi] = [aPrev, fPrev, dPrev, a, fa, da];
      zooming = true;
      break;
    }
    accept(fa);
    if (Math.abs(da) <= -GTOL * dphi0) return { ok: true, f: fa, evaluations };
    if (da >= 0) {
      [aLo, fLo, dLo, aHi, fHi, dHi] = [a, fa, da, aPrev, fPrev, dPrev];
      zooming = true;
      break;
    }
    if (a >= stepMax) return { ok: true, f: fa, evaluations };
    aPrev = a;
    fPrev = fa;
    dPrev = da;
    a = Math.min(stepMax, 4 * a);
  }
  while (zooming && evaluations < limit) {
    const left = Math.min(aLo, aHi);
    const width = Math.abs(aHi - aLo);
    if (width <= 1e-12 * Math.max(1, aHi)) break;
    let a2 =
      Number.isFinite(fHi) && Number.isFinite(dHi) ? cubicMinimizer(aLo, fLo, dLo, aHi, fHi, dHi) : NaN;
    if (!(a2 >= left + 0.1 * width && a2 <= left + 0.9 * width)) a2 = 0.5 * (aLo + aHi);
    const [fa, da] = phi(a2);
    if (!armijo(a2, fa) || fa >= fLo) {
      aHi = a2;
      fHi = fa;
      dHi = da;
      continue;
    }
    accept(fa);
    if (Math.abs(da) <= -GTOL * dphi0) return { ok: true, f: fa, evaluations };
    if (da * (aHi - aLo) >= 0) {
      aHi = aLo;
      fHi = fLo;
      dHi = dLo;
    }
    aLo = a2;
    fLo = fa;
    dLo = da;
  }
  return { ok: found && fFound < f0, f: fFound, evaluations };
}

/** The minimizer of the cubic through (a, fa, da) and (b, fb, db); NaN when it has none. */
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}
