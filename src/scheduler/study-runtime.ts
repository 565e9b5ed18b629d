import { createSampler, type Sampler, type SamplerSpec } from '@tuneforge/core';

/**
 * The scheduler's sampler for a platform study: as defined, with the platform's defaults for parallel
 * work (TPE takes a constant liar unless told otherwise, so queued trials spread out).
 */
export function schedulerSampler(spec: SamplerSpec): Sampler {
  if (spec.type === 'tpe' && spec.options?.constantLiar === undefined) {
    return createSampler({ ...spec, options: { ...spec.options, constantLiar: true } });
  }
  return createSampler(spec);
}

/** Trials of one CMA-ES generation, when the sampler exposes it (they are enqueued together). */
export function generationSize(sampler: Sampler): number | null {
  const popsize = (sampler as { popsize?: unknown }).popsize;
  return typeof popsize === 'number' && popsize > 0 ? popsize : null;
}
