export * from './trial-state';
export * from './frozen-trial';
export * from './trial';
export * from './trial-context';
