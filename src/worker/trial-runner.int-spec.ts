import { ATTEMPT_ATTR, InMemoryStorage, type JsonObject, type Objective, WORKER_ATTR } from '@tuneforge/core';
import {
  DEFINITION_ATTR,
  LAST_FAILURE_ATTR,
  RedisKeys,
  STARTED_AT_ATTR,
  STATE_ATTR,
  type StudyDefinition,
} from '@tuneforge/platform';
import { getBuiltinProblem, ObjectiveRegistry } from '@tuneforge/sandbox';
import { Redis } from 'ioredis';
import type { PlatformConfig } from '../config/platform-config';
import { RecordingRefills } from '../providers/testing/recording-refills';
import { ObjectiveFactory, SandboxObjectiveFactory } from './objective-factory';
import { TrialRunner } from './trial-runner';

const basePrefix = `tf-trial-runner-${process.pid}-${Date.now()}`;

/** An objective that throws on its first call and returns 42 on every later one. */
class FailsOnceFactory extends ObjectiveFactory {
  calls = 0;
  create(): Objective {
    return () => {
      if (this.calls++ === 0) throw new Error('out of memory on the first run');
      return 42;
    };
  }
}

function definition(
  retry?: StudyDefinition['retry'],
  pruner: StudyDefinition['pruner'] = { type: 'none' },
): StudyDefinition {
  return {
    name: 'runner',
    directions: ['minimize'],
    searchSpace: null,
    sampler: { type: 'random', seed: 1 },
    pruner,
    objective: { kind: 'builtin', name: 'branin' },
    budget: { nTrials: 10, maxParallel: 2, timeoutSec: null },
    seed: 1,
    ...(retry ? { retry } : {}),
  };
}

describe('TrialRunner', () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  let run = 0;

  afterAll(async () => {
    const found = await redis.keys(`${basePrefix}*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
  });

  /** A worker 'w1' over a fresh in-memory storage holding one platform study, stored as the API does. */
  async function setup(
    options: {
      retry?: StudyDefinition['retry'];
      objectives?: ObjectiveFactory;
      pruner?: StudyDefinition['pruner'];
    } = {},
  ) {
    const storage = new InMemoryStorage();
    const def = definition(options.retry, options.pruner);
    const config = {
      queuePrefix: `${basePrefix}-${++run}`,
      workerId: 'w1',
      leaseSeconds: 60,
      maxRetries: 1,
    } as PlatformConfig;
    const refills = new RecordingRefills();
    const objectives = options.objectives ?? new SandboxObjectiveFactory(new ObjectiveRegistry([]));
    const runner = new TrialRunner(storage, config, refills, objectives, redis);
    const { studyId } = await storage.createStudy({
      studyName: def.name,
      directions: def.directions,
      systemAttrs: {
        [DEFINITION_ATTR]: def as unknown as JsonObject,
        [STATE_ATTR]: 'RUNNING',
        [STARTED_AT_ATTR]: Date.now(),
      },
    });
    // A trial as the scheduler leaves it: WAITING, its job carrying its id and number.
    const trial = await storage.createTrial(studyId, { state: 'WAITING' });
    const job = { studyId, trialId: trial.trialId, trialNumber: trial.number };
    return { storage, runner, refills, studyId, job, keys: new RedisKeys(config.queuePrefix) };
  }

  it("claims a WAITING trial and completes it with the built-in problem's value", async () => {
    const { storage, runner, job } = await setup();
    expect(await runner.run(job)).toBe('COMPLETE');
    const done = await storage.getTrial(job.trialId);
    expect(done.state).toBe('COMPLETE');
    // Branin's parameters are two floats: every stored value is a number.
    const params = done.params as Record<string, number>;
    expect(Object.keys(params).sort()).toEqual(['x1', 'x2']);
    expect(done.values).toEqual([getBuiltinProblem('branin').evaluate(params)]);
    expect(done.systemAttrs[ATTEMPT_ATTR]).toBe(1);
    await runner.handBackAll();
  });

  it("indexes a COMPLETE trial for the study's pruner, and nothing for a study without one", async () => {
    await redis.connect().catch(() => undefined);
    const pruned = await setup({ pruner: { type: 'median' } });
    expect(await pruned.runner.run(pruned.job)).toBe('COMPLETE');
    expect(await redis.zrange(pruned.keys.completedTrials(pruned.studyId), 0, -1, 'WITHSCORES')).toEqual([
      '-1',
      '-2',
      String(pruned.job.trialNumber),
      '-1',
    ]);
    await pruned.runner.handBackAll();

    const plain = await setup();
    expect(await plain.runner.run(plain.job)).toBe('COMPLETE');
    expect(await redis.exists(plain.keys.completedTrials(plain.studyId))).toBe(0);
    await plain.runner.handBackAll();
  });

  it('answers already-finished to a second job for a finished trial, leaving it as it was', async () => {
    const { storage, runner, job } = await setup();
    await runner.run(job);
    const first = await storage.getTrial(job.trialId);
    expect(await runner.run(job)).toBe('already-finished');
    expect(await storage.getTrial(job.trialId)).toEqual(first);
    await runner.handBackAll();
  });

  it('answers claimed-elsewhere for a trial RUNNING under another worker, without running it', async () => {
    const { storage, runner, job } = await setup();
    await storage.claimTrial(job.trialId, 'w2', Date.now());
    expect(await runner.run(job)).toBe('claimed-elsewhere');
    const trial = await storage.getTrial(job.trialId);
    expect(trial.state).toBe('RUNNING');
    expect(trial.systemAttrs[WORKER_ATTR]).toBe('w2');
    await runner.handBackAll();
  });

  it('answers trial-gone for a job whose trial does not exist', async () => {
    const { runner, job } = await setup();
    expect(await runner.run({ ...job, trialId: job.trialId + 1000 })).toBe('trial-gone');
    await runner.handBackAll();
  });

  it('answers study-gone for a job whose study does not exist', async () => {
    const { runner, job } = await setup();
    expect(await runner.run({ ...job, studyId: job.studyId + 1000 })).toBe('study-gone');
    await runner.handBackAll();
  });

  it('leaves the trial of a STOPPED study WAITING, and runs it once the study runs again', async () => {
    const { storage, runner, studyId, job } = await setup();
    await storage.setStudySystemAttr(studyId, STATE_ATTR, 'STOPPED');
    expect(await runner.run(job)).toBe('study-not-running');
    expect((await storage.getTrial(job.trialId)).state).toBe('WAITING');
    await storage.setStudySystemAttr(studyId, STATE_ATTR, 'RUNNING');
    // What the worker read is trusted for a quarter of a second.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await runner.run(job)).toBe('COMPLETE');
    await runner.handBackAll();
  });

  it('sends a failed trial with retries left back to WAITING, recording the failure', async () => {
    const objectives = new FailsOnceFactory();
    const { storage, runner, job } = await setup({
      retry: { maxRetries: 1, retryFailedTrials: 1 },
      objectives,
    });
    expect(await runner.run(job)).toBe('retry');
    const waiting = await storage.getTrial(job.trialId);
    expect(waiting.state).toBe('WAITING');
    expect(waiting.systemAttrs[ATTEMPT_ATTR]).toBe(1);
    expect(waiting.systemAttrs[LAST_FAILURE_ATTR]).toBe('out of memory on the first run');
    await runner.handBackAll();
  });

  it('runs a retried trial again and completes it on its second attempt', async () => {
    const objectives = new FailsOnceFactory();
    const { storage, runner, job } = await setup({
      retry: { maxRetries: 1, retryFailedTrials: 1 },
      objectives,
    });
    await runner.run(job);
    expect(await runner.run(job)).toBe('COMPLETE');
    const done = await storage.getTrial(job.trialId);
    expect(done.values).toEqual([42]);
    expect(done.systemAttrs[ATTEMPT_ATTR]).toBe(2);
    await runner.handBackAll();
  });

  it('fails a trial whose objective throws when the study allows no retry', async () => {
    const { storage, runner, job } = await setup({ objectives: new FailsOnceFactory() });
    expect(await runner.run(job)).toBe('FAIL');
    expect((await storage.getTrial(job.trialId)).state).toBe('FAIL');
    await runner.handBackAll();
  });

  it('asks the scheduler for a refill of the study once a run has ended', async () => {
    const { runner, refills, studyId, job } = await setup();
    await runner.run(job);
    // The request goes out after a short coalescing window; a generous bound, not a race.
    const deadline = Date.now() + 5_000;
    while (refills.requested.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(refills.requested).toEqual([[studyId, 'trial-finished']]);
    await runner.handBackAll();
  });
});
