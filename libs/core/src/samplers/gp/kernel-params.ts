/** The hyper-parameters of the GP: k(x, x′) = scale · M(Σⱼ ρⱼ dⱼ(x, x′)²), plus `noise` on the diagonal. */
export interface KernelParams {
  /** ρⱼ = 1/ℓⱼ², one per coordinate (automatic relevance determination). */
  readonly inverseSquaredLengthscales: Float64Array;
  /** The signal variance (the kernel's value at distance 0). */
  readonly scale: number;
  /** The observation noise variance. */
  readonly noise: number;
}

/**
 * The squared distance of one coordinate: (a − b)² for numeric coordinates, [a ≠ b] (the Hamming
 * distance) for categorical ones.
 */
export function coordinateDistance2(a: number, b: number, categorical: number): number {
  if (categorical) return a === b ? 0 : 1;
  const d = a - b;
  return d * d;
}
