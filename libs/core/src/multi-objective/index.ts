export * from './hypervolume';
export * from './constraints';
