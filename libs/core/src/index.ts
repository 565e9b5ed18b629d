/**
 * @tuneforge/core — the pure optimization engine: distributions, trials and studies, samplers,
 * pruners, the storage port with its in-memory implementation, and the seeded generator.
 * No Nest, TypeORM, Redis or Node I/O here (an ESLint rule and a test enforce it).
 */
export * from './errors';
export * from './json';
export * from './clock';
export * from './distributions';
export * from './random/rng';
export * from './trial';
export * from './storage/storage';
export * from './storage/in-memory-storage';
export * from './study/study';
export * from './study/study-view';
export * from './study/pareto';
export * from './multi-objective';
export * from './samplers/sampler';
export * from './samplers/random/random-sampler';
export * from './samplers/grid/grid-sampler';
export * from './samplers/tpe';
export * from './samplers/cmaes';
export * from './samplers/qmc';
export * from './samplers/gp';
export * from './samplers/nsga2';
export * from './samplers/nsga3';
export * from './samplers/auto';
export * from './pruners';
export * from './factories';
export * from './export/format-trials';
export * from './space';
export * from './study/planning-trial';
export * from './visualization';
export * from './importance';
