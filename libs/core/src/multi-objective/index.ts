export * from './hypervolume';
export * from './constraints';
export * from './hypervolume-history';
export * from './pareto-summary';
