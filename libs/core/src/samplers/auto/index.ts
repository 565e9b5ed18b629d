export { AutoSampler, AUTO_CHOICE_ATTR, type AutoChoice, type AutoSamplerOptions } from './auto-sampler';
