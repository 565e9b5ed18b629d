export * from './nsga3-sampler';
export { dasDennisPoints } from './reference-points';
