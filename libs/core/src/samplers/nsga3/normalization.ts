/**
 * Adaptive normalization of NSGA-III (Deb & Jain 2014, §IV-C) of objective vectors, all minimized:
 * translated so that the ideal point z* (the smallest value of each objective) is the origin, then each
 * objective divided by the intercept a_j of the hyperplane through the M extreme points (the point that
 * minimizes the achievement scalarizing function ASF(x, w^j) = max_i x_i / w_i, with w^j = e_j and 10⁻⁶
 * on the other axes). When that hyperplane is degenerate (the extreme points are linearly dependent, or an
 * intercept is not positive and finite), each objective is divided by its worst (largest) translated
 * value instead, and an objective whose values are all equal is left unscaled.
 *
 * Infinite values are clipped to the finite range of their objective first, so one infinite value does
 * not flatten the others. Returns new vectors; on the normalized hyperplane Σ f_j = 1.
 */
export function normalizeObjectives(values: readonly (readonly number[])[]): number[][] {
  if (values.length === 0) return [];
  const m = values[0].length;
  const finite = clipInfinite(values, m);
  const ideal = Array.from({ length: m }, (_, j) => Math.min(...finite.map((v) => v[j])));
  const translated = finite.map((v) => v.map((x, j) => x - ideal[j]));
  const scale = intercepts(translated, m) ?? worstPoint(translated, m);
  return translated.map((v) => v.map((x, j) => x / scale[j]));
}

/** ASF weight of the axes other than the extreme point's own. */
const OFF_AXIS_WEIGHT = 1e-6;
/** Intercepts below this (in translated units) are taken as degenerate. */
const MIN_INTERCEPT = 1e-10;

/** The intercepts of the hyperplane through the extreme points, or null when it is degenerate. */
export function intercepts(translated: readonly (readonly number[])[], m: number): number[] | null {
  const extremes = Array.from({ length: m }, (_, j) => {
    let best = translated[0];
    let bestAsf = Infinity;
    for (const x of translated) {
      let asf = -Infinity;
      for (let i = 0; i < m; i++) asf = Math.max(asf, x[i] / (i === j ? 1 : OFF_AXIS_WEIGHT));
      if (asf < bestAsf) {
        bestAsf = asf;
        best = x;
      }
    }
    return best;
  });
  // The hyperplane Σ_j b_j f_j = 1 through the extreme points: E b = 1, intercepts a_j = 1 / b_j.
  const b = solveLinear(
    extremes.map((row) => [...row]),
    new Array<number>(m).fill(1),
  );
  if (!b) return null;
  const a = b.map((bj) => 1 / bj);
  return a.every((aj) => Number.isFinite(aj) && aj > MIN_INTERCEPT) ? a : null;
}

/** The largest value of each objective, 1 where that is 0 (all values equal). */
function worstPoint(translated: readonly (readonly number[])[], m: number): number[] {
  return Array.from({ length: m }, (_, j) => {
    const worst = Math.max(...translated.map((v) => v[j]));
    return worst > MIN_INTERCEPT ? worst : 1;
  });
}

function clipInfinite(values: readonly (readonly number[])[], m: number): number[][] {
  const low = new Array<number>(m).fill(Infinity);
  const high = new Array<number>(m).fill(-Infinity);
  for (const v of values) {
    for (let j = 0; j < m; j++) {
      if (!Number.isFinite(v[j])) continue;
      low[j] = Math.min(low[j], v[j]);
      high[j] = Math.max(high[j], v[j]);
    }
  }
  return values.map((v) =>
    v.map((x, j) => {
      if (Number.isFinite(x)) return x;
      if (!(high[j] >= low[j])) return 0; // no finite value of this objective at all
      return x > 0 ? high[j] : low[j];
    }),
  );
}

/** Solves A x = y by Gaussian elimination with partial pivoting (A is overwritten); null when A is singular. */
function solveLinear(a: number[][], y: number[]): number[] | null {
  const n = y.length;
  const scale = Math.max(1, ...a.flat().map(Math.abs));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (!(Math.abs(a[pivot][col]) > 1e-12 * scale)) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    [y[col], y[pivot]] = [y[pivot], y[col]];
    for (let r = col + 1; r < n; r++) {
      const factor = a[r][col] / a[col][col];
      for (let c = col; c < n; c++) a[r][c] -= factor * a[col][c];
      y[r] -= factor * y[col];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = y[r];
    for (let c = r + 1; c < n; c++) s -= a[r][c] * x[c];
    x[r] = s / a[r][r];
  }
  return x;
}
