import type { Storage } from '@tuneforge/core';
import { ObjectiveRegistry } from '@tuneforge/sandbox';
import { DataSource } from 'typeorm';
import type { PlatformConfig } from '../../config/platform-config';
import { SandboxObjectiveCatalog } from '../../providers/sandbox-objective-catalog';
import { RedisStudyCleanup } from '../../providers/study-cleanup';
import { RecordingRefills } from '../../providers/testing/recording-refills';
import { StudiesService } from '../studies/studies.service';
import { TrialsService } from '../trials/trials.service';
import type { RedisClient } from '@tuneforge/platform';

/** The local Postgres, for the services' dependency probe (`SELECT 1`): nothing is written there. */
export function probeDataSource(): DataSource {
  return new DataSource({
    type: 'postgres',
    host: '127.0.0.1',
    port: 5432,
    username: 'postgres',
    database: 'postgres',
  });
}

/** The study and trial services over `storage`, with the real catalog and cleanup, refills recorded. */
export function studyServices(
  storage: Storage,
  redis: RedisClient,
  dataSource: DataSource,
  queuePrefix: string,
) {
  const refills = new RecordingRefills();
  const config = { queuePrefix, maxRetries: 1, allowInlineCommands: false } as PlatformConfig;
  const registry = new ObjectiveRegistry([]);
  const studies = new StudiesService(
    storage,
    refills,
    new SandboxObjectiveCatalog(registry, config),
    new RedisStudyCleanup(redis, config),
    redis,
    config,
    dataSource,
    registry,
  );
  return { refills, studies, trials: new TrialsService(storage, studies, registry) };
}
