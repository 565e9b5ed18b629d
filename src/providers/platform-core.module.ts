import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Storage } from '@tuneforge/core';
import {
  queueKeyPrefix,
  REFILL_QUEUE,
  TRIALS_QUEUE,
  WorkerPoolRegistry,
  type RedisClient,
} from '@tuneforge/platform';
import type { Queue } from 'bullmq';
import { ObjectiveRegistry } from '@tuneforge/sandbox';
import {
  isTransientDatabaseError,
  runStorageMigrations,
  storageDataSourceOptions,
  TypeOrmStorage,
} from '@tuneforge/storage';
import { DataSource } from 'typeorm';
import { PlatformConfig } from '../config/platform-config';
import { QueueErrorLogging } from './queue-error-logging';
import { BullRefillQueue, RefillQueue } from './refill-queue';
import { PlatformShutdown } from './platform-shutdown';
import { QUEUE_CLUSTER, queueConnection, redisProvider, REDIS } from './redis.provider';
import { Cluster } from 'ioredis';
import { RedisStudyCleanup, StudyCleanup } from './study-cleanup';
import { TrialQueues } from './trial-queues';

/** How long a role starting waits for Postgres to answer, one attempt a second. */
const START_WAIT_FOR_DATABASE_SECONDS = 30;

/**
 * Runs the migrations; when Postgres goes away meanwhile (a restart just after the role connected),
 * tries again once a second for as long as a role waits for Postgres to start. TypeORM's own retry
 * covers only the first connect.
 */
async function migrateWaitingForDatabase(dataSource: DataSource): Promise<void> {
  const giveUpAt = Date.now() + START_WAIT_FOR_DATABASE_SECONDS * 1000;
  for (;;) {
    try {
      await runStorageMigrations(dataSource);
      return;
    } catch (e) {
      if (!isTransientDatabaseError(e) || Date.now() >= giveUpAt) throw e;
      new Logger('storage').warn(`migrations interrupted (${(e as Error).message}); trying again in 1 s`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/**
 * What every role shares: the validated config, the storage on Postgres (migrations run on start),
 * Redis, the queues, the ports bound to their implementations once, and the one order of a stop
 * (PlatformShutdown).
 */
@Global()
@Module({})
export class PlatformCoreModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    const connection = queueConnection(config);
    return {
      module: PlatformCoreModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...storageDataSourceOptions({
              dialect: 'postgres',
              url: config.databaseUrl,
              poolSize: config.pgPoolSize,
              transactionPooling: config.pgTransactionPooling,
            }),
            // Our own call below runs them under a lock, so that roles starting together do not race.
            migrationsRun: false,
            // A role started while Postgres is down or still starting up (a restart, compose bringing
            // everything up at once) waits for it, then stops with one line saying it is unreachable.
            // A wrong name, user or password is not waited for.
            retryAttempts: START_WAIT_FOR_DATABASE_SECONDS,
            retryDelay: 1000,
            toRetry: isTransientDatabaseError,
            verboseRetryLog: true,
          }),
        }),
        BullModule.forRoot({
          connection,
          // A hash tag: every key of the queues in one slot of a Redis Cluster.
          prefix: queueKeyPrefix(config.queuePrefix),
        }),
        BullModule.registerQueue({ name: TRIALS_QUEUE }, { name: REFILL_QUEUE }),
      ],
      providers: [
        { provide: PlatformConfig, useValue: config },
        {
          provide: Storage,
          inject: [DataSource],
          useFactory: async (dataSource: DataSource) => {
            await migrateWaitingForDatabase(dataSource);
            return new TypeOrmStorage(dataSource, {
              url: config.databaseUrl.replace(/:[^:@/]*@/, ':***@'),
              transactionPooling: config.pgTransactionPooling,
            });
          },
        },
        redisProvider,
        { provide: QUEUE_CLUSTER, useValue: connection instanceof Cluster ? connection : null },
        PlatformShutdown,
        QueueErrorLogging,
        {
          provide: ObjectiveRegistry,
          useFactory: () =>
            config.objectivesDir
              ? ObjectiveRegistry.fromDirectory(config.objectivesDir, {
                  allowInline: config.allowInlineCommands,
                })
              : new ObjectiveRegistry([], config.allowInlineCommands),
        },
        { provide: RefillQueue, useClass: BullRefillQueue },
        { provide: StudyCleanup, useClass: RedisStudyCleanup },
        {
          // The worker pools' queues beside Nest's default trial queue, closed with the queues.
          provide: TrialQueues,
          inject: [getQueueToken(TRIALS_QUEUE), REDIS, PlatformShutdown],
          useFactory: (trials: Queue, redis: RedisClient, shutdown: PlatformShutdown) => {
            const queues = new TrialQueues(trials, new WorkerPoolRegistry(redis, config.queuePrefix));
            shutdown.add('close-queues', 'pool queues', () => queues.close());
            return queues;
          },
        },
      ],
      exports: [
        PlatformConfig,
        Storage,
        REDIS,
        RefillQueue,
        StudyCleanup,
        TrialQueues,
        ObjectiveRegistry,
        BullModule,
        PlatformShutdown,
      ],
    };
  }
}
