export * from './sampler-spec';
export * from './pruner-spec';
