export * from './hypervolume';
