export * from './trial-state';
export * from './frozen-trial';
export * from './trial';
export * from './trial-context';
export * from './define-by-run';
