export * from './queue-names';
export * from './jobs';
export * from './redis-keys';
export * from './study-definition';
export * from './stored-definition';
export * from './study-lifecycle';
