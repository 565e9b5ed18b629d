export * from './nsga2-sampler';
export { NSGA2_CROSSOVERS, CROSSOVER_PARENTS, type Nsga2Crossover } from '../nsga/crossovers';
export { nonDominatedFronts, paretoFronts, crowdingDistances } from '../nsga/non-dominated-sort';
export { normalize, denormalize } from '../nsga/generational-sampler';
