export { GpSampler, type GpSamplerOptions } from './gp-sampler';
