import { InMemoryStorage, type JsonObject } from '@tuneforge/core';
import {
  DEFINITION_ATTR,
  STARTED_AT_ATTR,
  STATE_ATTR,
  type StudyDefinition,
  type TrialJobData,
  TRIALS_QUEUE,
} from '@tuneforge/platform';
import { ObjectiveRegistry } from '@tuneforge/sandbox';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { PlatformConfig } from '../config/platform-config';
import { RecordingRefills } from '../providers/testing/recording-refills';
import { StudyScheduler } from './study-scheduler.service';

/*
 * How studies share the workers, told as stories: a scheduler over an in-memory storage and a real BullMQ
 * queue, and one worker that takes the jobs one at a time in the order BullMQ hands them out, runs each
 * trial at once and asks for its study's refill, as the platform's workers do. One worker and no clock: the
 * order is the queue's, so every assertion is exact.
 */

const connection = { host: '127.0.0.1', port: 6379 };
const basePrefix = `tf-fair-share-${process.pid}-${Date.now()}`;

function definition(
  name: string,
  budget: { nTrials: number; maxParallel: number },
  priority?: number,
): StudyDefinition {
  return {
    name,
    directions: ['minimize'],
    searchSpace: null,
    sampler: { type: 'random', seed: 1 },
    pruner: { type: 'none' },
    objective: { kind: 'builtin', name: 'branin' },
    budget: { ...budget, timeoutSec: null },
    seed: 1,
    ...(priority === undefined ? {} : { priority }),
  };
}

describe('Sharing the workers between studies', () => {
  const redis = new Redis({ ...connection, lazyConnect: true });
  const closing: Array<{ close(): Promise<void> }> = [];
  let run = 0;

  afterAll(async () => {
    for (const c of closing) await c.close();
    const found = await redis.keys(`*${basePrefix}*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
  });

  async function platform() {
    const prefix = `${basePrefix}-${++run}`;
    const storage = new InMemoryStorage();
    const trials = new Queue<TrialJobData>(TRIALS_QUEUE, { connection, prefix });
    const worker = new Worker<TrialJobData>(TRIALS_QUEUE, null, { connection, prefix, autorun: false });
    closing.push(worker, trials);
    const config = {
      queuePrefix: prefix,
      workerId: 'fair-share-spec',
      leaseSeconds: 60,
      maxRetries: 1,
      sweepSeconds: 60,
    } as PlatformConfig;
    const scheduler = new StudyScheduler(
      storage,
      config,
      new RecordingRefills(),
      trials,
      new ObjectiveRegistry([]),
      redis,
    );

    async function create(def: StudyDefinition): Promise<number> {
      const { studyId } = await storage.createStudy({
        studyName: def.name,
        directions: def.directions,
        systemAttrs: {
          [DEFINITION_ATTR]: def as unknown as JsonObject,
          [STATE_ATTR]: 'RUNNING',
          [STARTED_AT_ATTR]: Date.now(),
        },
      });
      return studyId;
    }

    /** The jobs of each study in the queue (queued or taken). */
    async function jobsByStudy(): Promise<Map<number, number>> {
      const counts = new Map<number, number>();
      for (const job of await trials.getJobs(['waiting', 'prioritized', 'active'])) {
        counts.set(job.data.studyId, (counts.get(job.data.studyId) ?? 0) + 1);
      }
      return counts;
    }

    /**
     * Takes the next job, runs its trial to COMPLETE and refills its study; the study id of the trial, or
     * null when the queue is empty.
     */
    async function runNext(): Promise<number | null> {
      const token = `spec-${run}`;
      const job = await worker.getNextJob(token, { block: false });
      if (!job) return null;
      const { studyId, trialId } = job.data;
      await storage.claimTrial(trialId, 'fair-share-spec', Date.now());
      await storage.finishTrial(trialId, 'COMPLETE', [trialId], Date.now());
      await job.moveToCompleted('done', token, false);
      await scheduler.refill(studyId);
      return studyId;
    }

    const stateOf = async (studyId: number) => (await storage.getStudy(studyId)).systemAttrs[STATE_ATTR];
    return { storage, scheduler, create, jobsByStudy, runNext, stateOf };
  }

  it('a small study submitted after one with 10 000 enqueued trials finishes first', async () => {
    const { storage, scheduler, create, jobsByStudy, runNext, stateOf } = await platform();
    const big = await create(definition('big', { nTrials: 10_000, maxParallel: 2 }));
    // 10 000 trials enqueued with fixed parameters (POST /studies/:id/trials), all WAITING.
    for (let i = 0; i < 10_000; i++) {
      await storage.createTrial(big, { state: 'WAITING' });
    }
    await scheduler.refill(big);
    const small = await create(definition('small', { nTrials: 10, maxParallel: 2 }));
    await scheduler.refill(small);
    // The big study has its maxParallel jobs in the queue, not 10 000.
    expect(await jobsByStudy()).toEqual(
      new Map([
        [big, 2],
        [small, 2],
      ]),
    );

    const order: number[] = [];
    while ((await stateOf(small)) !== 'COMPLETED') {
      const studyId = await runNext();
      if (studyId === null) throw new Error('the queue ran dry before the small study completed');
      order.push(studyId);
    }
    // The two took turns: the small study's 10 trials ran beside 10 of the big one's.
    expect(order.filter((s) => s === small)).toHaveLength(10);
    expect(order.filter((s) => s === big)).toHaveLength(10);
    expect(await storage.getAllTrials(big, ['WAITING'])).toHaveLength(9_990);
  });

  it('never has more than maxParallel trials of a study queued or running', async () => {
    const { storage, scheduler, create, jobsByStudy, runNext } = await platform();
    const budgets = [
      { nTrials: 12, maxParallel: 1 },
      { nTrials: 12, maxParallel: 3 },
      { nTrials: 12, maxParallel: 5 },
    ];
    const ids: number[] = [];
    for (const [i, budget] of budgets.entries()) {
      const id = await create(definition(`bounded-${i}`, budget));
      ids.push(id);
      // Half of each study's trials enqueued by hand (WAITING), the rest left to the sampler.
      for (let n = 0; n < 6; n++) await storage.createTrial(id, { state: 'WAITING' });
      await scheduler.refill(id);
    }
    let ran = 0;
    for (;;) {
      const jobs = await jobsByStudy();
      for (const [i, id] of ids.entries()) {
        expect(jobs.get(id) ?? 0).toBeLessThanOrEqual(budgets[i].maxParallel);
        const inFlight = await storage.getAllTrials(id, ['RUNNING']);
        expect(inFlight.length + (jobs.get(id) ?? 0)).toBeLessThanOrEqual(budgets[i].maxParallel);
      }
      if ((await runNext()) === null) break;
      ran++;
    }
    expect(ran).toBe(36);
    for (const id of ids) expect(await storage.getAllTrials(id, ['COMPLETE'])).toHaveLength(12);
  });

  it('runs the studies of equal priority in turn: each gets its first trial before any gets a second', async () => {
    const { scheduler, create, runNext } = await platform();
    const ids: number[] = [];
    for (const name of ['a', 'b', 'c']) {
      const id = await create(definition(name, { nTrials: 4, maxParallel: 4 }));
      ids.push(id);
      await scheduler.refill(id);
    }
    const order: number[] = [];
    for (let studyId = await runNext(); studyId !== null; studyId = await runNext()) order.push(studyId);
    const [a, b, c] = ids;
    // Rounds of one trial per study, though each had four jobs queued from its start.
    expect(order).toEqual([a, b, c, a, b, c, a, b, c, a, b, c]);
  });

  it('starts the trials of a study of higher priority first, though it was submitted last', async () => {
    const { scheduler, create, runNext } = await platform();
    const low = await create(definition('low', { nTrials: 3, maxParallel: 2 }, -5));
    await scheduler.refill(low);
    const normal = await create(definition('normal', { nTrials: 3, maxParallel: 2 }));
    await scheduler.refill(normal);
    const high = await create(definition('high', { nTrials: 3, maxParallel: 2 }, 10));
    await scheduler.refill(high);
    const order: number[] = [];
    for (let studyId = await runNext(); studyId !== null; studyId = await runNext()) order.push(studyId);
    expect(order).toEqual([high, high, high, normal, normal, normal, low, low, low]);
  });
});
