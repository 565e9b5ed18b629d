export type { Pruner } from './pruner';
export type { PruningHistory, PruningSource } from './pruning-history';
export { StudyPruningHistory } from './study-pruning-history';
export {
  bestIntermediateValue,
  isFirstInIntervalStep,
  nanBest,
  nanPercentile,
  percentileAtStep,
  pruningDirection,
  reportedSteps,
} from './pruning-helpers';
export { crc32 } from './crc32';
export * from './nop-pruner';
export * from './percentile-pruner';
export * from './median-pruner';
export * from './successive-halving-pruner';
export * from './hyperband-pruner';
export * from './threshold-pruner';
export * from './patient-pruner';
