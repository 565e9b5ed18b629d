export { QmcSampler, QMC_SEED_ATTR, type QmcSamplerOptions, type QmcType } from './qmc-sampler';
export { SobolSequence, SOBOL_MAX_DIMENSION, SOBOL_MAX_POINTS } from './sobol';
export { HaltonSequence } from './halton';
