export { TpeSampler, type ConstantLiar, type TpeSamplerOptions } from './tpe-sampler';
export {
  defaultWeights,
  hyperoptDefaultGamma,
  multivariateGamma,
  optunaGamma,
  univariateGamma,
} from './weighting';
