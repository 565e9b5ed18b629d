import {
  createPruner,
  createSampler,
  loadStudy,
  type KeptTrials,
  type Sampler,
  type Storage,
  type Study,
  type StudyRecord,
} from '@tuneforge/core';
import { RedisPruningHistory, type RedisPruningIndex, type StudyDefinition } from '@tuneforge/platform';
import type { PlatformTelemetry } from '../telemetry/platform-telemetry';
import { ConnectionErrorLog } from './connection-error-log';

/** The pruning index out of reach: a line every few seconds, not one per report. */
const pruningIndexErrors = new ConnectionErrorLog('pruning index (Redis)');

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * What a process that plans a study's trials (the scheduler, the api for clients' asks) keeps of it: no
 * trial for a sampler that reads no history (random search plans from the trial count), else the history.
 */
export function keptForPlanning(sampler: Sampler): KeptTrials {
  return sampler.readsHistory === false ? 'none' : 'history';
}

/**
 * A platform study as the roles that run its trials load it — a queue worker, and the api for clients
 * (ask and tell): the sampler and pruner of its definition, built as the scheduler and the library build
 * them (createSampler, createPruner), the pruner's decisions counted in the telemetry, and the other trials'
 * intermediate values read from the Redis pruning index, so that a trial is pruned alike wherever it runs.
 * `keep`: see LoadStudyOptions (a worker running planned trials keeps only those), or what to keep given the
 * study's sampler.
 */
export function loadRunningStudy(
  storage: Storage,
  record: StudyRecord,
  definition: StudyDefinition,
  index: RedisPruningIndex,
  telemetry: PlatformTelemetry,
  keep: KeptTrials | ((sampler: Sampler) => KeptTrials) = 'history',
): Promise<Study> {
  const sampler = createSampler(definition.sampler);
  return loadStudy({
    keep: typeof keep === 'function' ? keep(sampler) : keep,
    studyName: record.studyName,
    storage,
    sampler,
    pruner: telemetry.countDecisions(createPruner(definition.pruner)),
    pruningSource: new RedisPruningHistory(index, record, {
      // A decision made without Redis is made on the figures read before it (pruning is advice).
      report: (what, error) =>
        pruningIndexErrors.report(
          new Error(`${what} of study ${record.studyId} given up, decided without it: ${messageOf(error)}`),
        ),
    }),
  });
}
