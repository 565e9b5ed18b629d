/** Whether `a` dominates `b` (two minimized objectives). */
export const dominates2d = (a: number[], b: number[]): boolean =>
  a[0] <= b[0] && a[1] <= b[1] && (a[0] < b[0] || a[1] < b[1]);

/**
 * The area that `points` (two minimized objectives) dominate inside `ref`, by checking every cell of the
 * grid their coordinates draw: slow and obviously right, to check the platform's exact hypervolume.
 */
export function bruteForceHypervolume(points: number[][], ref: number[]): number {
  const inside = points.filter((p) => p[0] < ref[0] && p[1] < ref[1]);
  const xs = [...new Set([...inside.map((p) => p[0]), ref[0]])].sort((a, b) => a - b);
  const ys = [...new Set([...inside.map((p) => p[1]), ref[1]])].sort((a, b) => a - b);
  let area = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    for (let j = 0; j + 1 < ys.length; j++) {
      if (inside.some((p) => p[0] <= xs[i] && p[1] <= ys[j]))
        area += (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j]);
    }
  }
  return area;
}
