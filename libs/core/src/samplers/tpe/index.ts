export {
  TpeSampler,
  type ConstantLiar,
  type MultiObjectiveWeights,
  type TpeSamplerOptions,
} from './tpe-sampler';
export {
  defaultWeights,
  hyperoptDefaultGamma,
  manyObjectiveGamma,
  multiObjectiveGamma,
  multivariateGamma,
  optunaGamma,
  univariateGamma,
} from './weighting';
