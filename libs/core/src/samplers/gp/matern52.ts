/**
 * The Matérn-5/2 correlation as a function of the squared scaled distance r² = Σⱼ ρⱼ dⱼ² (ρⱼ = 1/ℓⱼ²):
 *   M(r²) = (1 + √5 r + 5/3 r²) e^(−√5 r),
 * twice differentiable, so that the GP's mean is smooth enough for gradient-based search.
 */
export function matern52(r2: number): number {
  const s = Math.sqrt(5 * r2);
  return (1 + s + (5 / 3) * r2) * Math.exp(-s);
}

/**
 * M and, when `slope` is given, dM/d(r²) = −5/6 (1 + √5 r) e^(−√5 r), for the first `count` squared distances
 * of `r2` at once, both from one exponential each: the form the kernel loops use. The derivative is taken with
 * respect to the squared distance (finite at r = 0, where the derivative with respect to r is not), which is
 * what the chain rule through r² = Σⱼ ρⱼ dⱼ² needs.
 */
export function matern52Into(
  r2: Float64Array,
  count: number,
  value: Float64Array,
  slope?: Float64Array,
): void {
  for (let i = 0; i < count; i++) {
    const d2 = r2[i];
    const s = Math.sqrt(5 * d2);
    const e = Math.exp(-s);
    value[i] = (1 + s + (5 / 3) * d2) * e;
    if (slope) slope[i] = (-5 / 6) * (1 + s) * e;
  }
}
