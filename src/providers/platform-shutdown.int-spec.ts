import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ATTEMPT_ATTR, FAIL_REASON_ATTR, type JsonObject, Storage } from '@tuneforge/core';
import {
  DEFINITION_ATTR,
  LAST_FAILURE_ATTR,
  STARTED_AT_ATTR,
  STATE_ATTR,
  type StudyDefinition,
  trialJobId,
  TRIALS_QUEUE,
} from '@tuneforge/platform';
import { deleteKeysOfPrefix } from '@tuneforge/platform/testing';
import { openStorage } from '@tuneforge/storage';
import { freshPostgresDatabase, type FreshDatabase } from '@tuneforge/storage/testing';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatformConfig } from '../config/platform-config';
import { platformModule } from '../main';
import { PlatformShutdown, SHUTDOWN_STEPS } from './platform-shutdown';

jest.setTimeout(60_000);

const prefix = `tfshutdown${process.pid}${Date.now()}`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(read: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Open sockets and timers of this process (ioredis, pg and BullMQ hold TCP sockets while open). */
function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * The worker's stop on the real Postgres (a database of its own) and Redis (a key prefix of its own):
 * a worker role running a long command trial is closed as SIGTERM closes it, and the steps run in
 * PlatformShutdown's order with the trial handed back, not left RUNNING.
 */
describe('PlatformShutdown (worker role)', () => {
  let database: FreshDatabase;
  let dir: string;
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  let run = 0;

  beforeAll(async () => {
    database = await freshPostgresDatabase('tuneforge_shutdown');
    dir = mkdtempSync(join(tmpdir(), 'tf-shutdown-'));
  });

  afterAll(async () => {
    // Each worker role ran under a prefix of its own (`<prefix>-<run>`).
    for (let r = 1; r <= run; r++) await deleteKeysOfPrefix(redis, `${prefix}-${r}`);
    await redis.quit();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A worker role whose one trial runs `sleep 60` (its pid written to a file), with `maxRetries`; resolves
   * once the objective's process runs.
   */
  async function workerRunningLongTrial(maxRetries: number) {
    const pidFile = join(dir, `pid-${++run}`);
    const config = loadPlatformConfig({
      TUNEFORGE_ROLE: 'worker',
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      TUNEFORGE_QUEUE_PREFIX: `${prefix}-${run}`,
      TUNEFORGE_ALLOW_INLINE_COMMANDS: '1',
      TUNEFORGE_WORKER_ID: `shutdown-worker-${run}`,
      PATH: process.env.PATH,
    });
    const before = openHandles();
    const app: INestApplicationContext = await NestFactory.createApplicationContext(platformModule(config), {
      logger: false,
    });
    const storage = app.get(Storage);
    const definition: StudyDefinition = {
      name: `shutdown-${run}`,
      directions: ['minimize'],
      searchSpace: [{ name: 'x', type: 'float', low: 0, high: 1 }] as never,
      sampler: { type: 'random', seed: 1 },
      pruner: { type: 'none' },
      objective: { kind: 'inline-command', argv: ['sh', '-c', `echo $$ > ${pidFile}; exec sleep 60`] },
      budget: { nTrials: 1, maxParallel: 1, timeoutSec: null },
      seed: 1,
      retry: { maxRetries, retryFailedTrials: 0 },
    };
    const { studyId } = await storage.createStudy({
      studyName: definition.name,
      directions: definition.directions,
      systemAttrs: {
        [DEFINITION_ATTR]: definition as unknown as JsonObject,
        [STATE_ATTR]: 'RUNNING',
        [STARTED_AT_ATTR]: Date.now(),
      },
    });
    const trial = await storage.createTrial(studyId, { state: 'WAITING' });
    const queue = app.get<Queue>(getQueueToken(TRIALS_QUEUE));
    await queue.add(
      'trial',
      { studyId, trialId: trial.trialId, trialNumber: trial.number },
      { jobId: trialJobId(trial.trialId), removeOnComplete: true, removeOnFail: true, attempts: 1 },
    );
    const pid = await until(() => {
      try {
        const text = readFileSync(pidFile, 'utf8').trim();
        return text ? Number(text) : undefined;
      } catch {
        return undefined;
      }
    }, 'the objective to start');
    expect((await storage.getTrial(trial.trialId)).state).toBe('RUNNING');
    return { app, storage, trialId: trial.trialId, pid, before, shutdown: app.get(PlatformShutdown) };
  }

  it('stops taking jobs, kills the running objective, hands its trial back to WAITING, then closes the queues, Redis and the storage', async () => {
    const { app, storage, trialId, pid, before, shutdown } = await workerRunningLongTrial(1);
    const close = jest.spyOn(storage, 'close');
    await app.close();

    expect(alive(pid)).toBe(false);
    // The steps in their order, each task once.
    const steps = shutdown.completed.map((task) => task.split('/')[0]);
    expect(steps).toEqual(
      [...steps].sort((a, b) => SHUTDOWN_STEPS.indexOf(a as never) - SHUTDOWN_STEPS.indexOf(b as never)),
    );
    expect(shutdown.completed).toEqual(
      expect.arrayContaining([
        'stop-intake/trial consumer',
        'hand-back/running trials',
        'close-queues/trial consumer',
        'close-redis/redis',
        'close-storage/storage',
      ]),
    );
    expect(new Set(shutdown.completed).size).toBe(shutdown.completed.length);
    expect(close).toHaveBeenCalledTimes(1);
    // Nothing of the app keeps the process alive: once the closed sockets are released (a few ms), no
    // socket, timer or child process is left beyond those of before it started.
    const leftOver = () =>
      ['TCPSocketWrap', 'Timeout', 'ProcessWrap'].filter(
        (kind) => (openHandles()[kind] ?? 0) > (before[kind] ?? 0),
      );
    const deadline = Date.now() + 2_000;
    while (leftOver().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(leftOver()).toEqual([]);

    // Read through a storage of our own: the app's is closed.
    const check = await openCheckStorage(database.url);
    try {
      const trial = await check.getTrial(trialId);
      expect(trial.state).toBe('WAITING');
      expect(trial.systemAttrs[ATTEMPT_ATTR]).toBe(1);
      expect(trial.systemAttrs[LAST_FAILURE_ATTR]).toBe('its worker shut down during the run');
      // Its parameters are kept for the next run.
      expect(Object.keys(trial.params)).toEqual(['x']);
    } finally {
      await check.close();
    }
  });

  it('ends the trial FAIL when the study has no retry left for a lost run (retry.maxRetries = 0)', async () => {
    const { app, trialId, pid } = await workerRunningLongTrial(0);
    await app.close();
    expect(alive(pid)).toBe(false);
    const check = await openCheckStorage(database.url);
    try {
      const trial = await check.getTrial(trialId);
      expect(trial.state).toBe('FAIL');
      expect(trial.systemAttrs[FAIL_REASON_ATTR]).toMatch(
        /its worker shut down during the run 1 time\(s\); no retry left \(retry.maxRetries = 0\)/,
      );
    } finally {
      await check.close();
    }
  });
});

function openCheckStorage(url: string): Promise<Storage> {
  return openStorage(url);
}
