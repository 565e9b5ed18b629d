export {
  CmaEsSampler,
  CMA_GENERATION_ATTR,
  CMA_INFLIGHT_ATTR,
  CMA_OPTIMIZER_ATTR,
  CMA_RESTART_ATTR,
  CMA_X_ATTR,
  type CmaEsSamplerOptions,
} from './cma-es-sampler';
export { Cma, type CmaOptions, type CmaSample, type CmaSolution, type CmaState } from './cma';
export type { DiscreteAxisSpec } from './discrete-axis';
