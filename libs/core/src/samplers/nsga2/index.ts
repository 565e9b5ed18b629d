export * from './nsga2-sampler';
export { NSGA2_CROSSOVERS, CROSSOVER_PARENTS, type Nsga2Crossover } from './crossovers';
export { nonDominatedFronts, paretoFronts, crowdingDistances } from './non-dominated-sort';
