/** What optimizeAcquisition maximizes: a smooth score of points of the GP's normalized space. */
export interface Acquisition {
  readonly dim: number;
  /** Scores of `count` points (rows of `points`), into `out`. */
  values(points: Float64Array, count: number, out: Float64Array): void;
  /** The score of one point. */
  value(point: Float64Array): number;
  /** The score of one point, with its gradient (0 along categorical coordinates) written into `grad`. */
  valueWithGradient(point: Float64Array, grad: Float64Array): number;
}
