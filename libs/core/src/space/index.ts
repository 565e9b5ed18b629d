export * from './search-space';
