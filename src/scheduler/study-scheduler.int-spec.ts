import {
  CMA_GENERATION_ATTR,
  InMemoryStorage,
  NSGA3_GENERATION_ATTR,
  type FrozenTrial,
  type JsonObject,
} from '@tuneforge/core';
import {
  DEFINITION_ATTR,
  STARTED_AT_ATTR,
  STATE_ATTR,
  type PlatformStudyState,
  type StudyDefinition,
  type TrialJobData,
  trialJobId,
  TRIALS_QUEUE,
} from '@tuneforge/platform';
import { ObjectiveRegistry } from '@tuneforge/sandbox';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { PlatformConfig } from '../config/platform-config';
import { RecordingRefills } from '../providers/testing/recording-refills';
import { StudyLock } from '../providers/study-lock';
import { StudyScheduler } from './study-scheduler.service';

const connection = { host: '127.0.0.1', port: 6379 };
const basePrefix = `tf-study-scheduler-${process.pid}-${Date.now()}`;

function definition(budget: Partial<StudyDefinition['budget']> = {}): StudyDefinition {
  return {
    name: 'scheduled',
    directions: ['minimize'],
    searchSpace: null,
    sampler: { type: 'random', seed: 1 },
    pruner: { type: 'none' },
    objective: { kind: 'builtin', name: 'branin' },
    budget: { nTrials: 10, maxParallel: 3, timeoutSec: null, ...budget },
    seed: 1,
  };
}

describe('StudyScheduler', () => {
  const redis = new Redis({ ...connection, lazyConnect: true });
  const queues: Queue[] = [];
  let run = 0;

  afterAll(async () => {
    for (const q of queues) await q.close();
    const found = await redis.keys(`${basePrefix}*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
  });

  /** A scheduler over a fresh in-memory storage and its own queue prefix, with one study stored as the API does. */
  async function setup(def: StudyDefinition, state: PlatformStudyState = 'RUNNING', leaseSeconds = 60) {
    const prefix = `${basePrefix}-${++run}`;
    const storage = new InMemoryStorage();
    const trials = new Queue<TrialJobData>(TRIALS_QUEUE, { connection, prefix });
    queues.push(trials);
    const refills = new RecordingRefills();
    const config = {
      queuePrefix: prefix,
      workerId: 'scheduler-spec',
      leaseSeconds,
      maxRetries: 1,
      sweepSeconds: 60,
    } as PlatformConfig;
    const scheduler = new StudyScheduler(storage, config, refills, trials, new ObjectiveRegistry([]), redis);
    const { studyId } = await storage.createStudy({
      studyName: def.name,
      directions: def.directions,
      systemAttrs: {
        [DEFINITION_ATTR]: def as unknown as JsonObject,
        [STATE_ATTR]: state,
        [STARTED_AT_ATTR]: Date.now(),
      },
    });
    const jobIds = async () =>
      (await trials.getJobs(['waiting', 'active', 'delayed', 'prioritized'])).map((j) => j.id).sort();
    const stateOf = async () => (await storage.getStudy(studyId)).systemAttrs[STATE_ATTR];
    return { storage, trials, refills, scheduler, studyId, prefix, jobIds, stateOf };
  }

  it('tops a new study up to maxParallel WAITING trials, one job per trial', async () => {
    const { storage, scheduler, studyId, jobIds } = await setup(definition({ maxParallel: 3 }));
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 3, state: 'RUNNING' });
    const waiting = await storage.getAllTrials(studyId, ['WAITING']);
    expect(waiting).toHaveLength(3);
    expect(await jobIds()).toEqual(waiting.map((t) => trialJobId(t.trialId)).sort());
  });

  it('gives each job the study, trial id and number of its trial', async () => {
    const { storage, trials, scheduler, studyId } = await setup(definition({ maxParallel: 2 }));
    await scheduler.refill(studyId);
    for (const trial of await storage.getAllTrials(studyId, ['WAITING'])) {
      const job = await trials.getJob(trialJobId(trial.trialId));
      expect(job?.data).toEqual({ studyId, trialId: trial.trialId, trialNumber: trial.number });
    }
  });

  it('creates a large refill of a study with nothing in flight in growing batches, each enqueued before the next is planned', async () => {
    const { storage, scheduler, studyId, jobIds } = await setup(
      definition({ nTrials: 400, maxParallel: 200 }),
    );
    const batches: Array<{ size: number; jobsBefore: number }> = [];
    const create = storage.createTrials.bind(storage);
    storage.createTrials = async (id, templates) => {
      batches.push({ size: templates.length, jobsBefore: (await jobIds()).length });
      return create(id, templates);
    };
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 200, state: 'RUNNING' });
    expect(batches).toEqual([
      { size: 64, jobsBefore: 0 },
      { size: 128, jobsBefore: 64 },
      { size: 8, jobsBefore: 192 },
    ]);
    expect(await jobIds()).toHaveLength(200);
    // With trials in flight, the workers are busy: a refill is one batch.
    for (const t of (await storage.getAllTrials(studyId, ['WAITING'])).slice(0, 150)) {
      await storage.claimTrial(t.trialId, 'worker-1', Date.now());
      await storage.finishTrial(t.trialId, 'COMPLETE', [1], Date.now());
    }
    batches.length = 0;
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 150, state: 'RUNNING' });
    expect(batches.map((b) => b.size)).toEqual([150]);
  });

  it('gives the window its jobs again after a resume, for the jobs that workers ended while it was stopped', async () => {
    const { storage, trials, scheduler, studyId, jobIds } = await setup(definition({ maxParallel: 3 }));
    await scheduler.refill(studyId);
    const window = await jobIds();
    expect(window).toHaveLength(3);
    // Stopped: the workers end its queued jobs without running them (their trials stay WAITING).
    for (const job of await trials.getJobs(['waiting', 'prioritized'])) await job.remove();
    await scheduler.refill(studyId);
    expect(await jobIds()).toEqual([]);
    // Resumed: the resume moves the study's start.
    await storage.setStudySystemAttr(studyId, STARTED_AT_ATTR, Date.now() + 1);
    await scheduler.refill(studyId);
    expect(await jobIds()).toEqual(window);
  });

  it('creates no more trials than the budget has left', async () => {
    const { storage, scheduler, studyId } = await setup(definition({ nTrials: 2, maxParallel: 5 }));
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 2, state: 'RUNNING' });
    expect(await storage.getAllTrials(studyId)).toHaveLength(2);
  });

  it('creates nothing while maxParallel trials are in flight', async () => {
    const { storage, scheduler, studyId, jobIds } = await setup(definition({ maxParallel: 2 }));
    await scheduler.refill(studyId);
    const jobs = await jobIds();
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 0, state: 'RUNNING' });
    expect(await storage.getAllTrials(studyId)).toHaveLength(2);
    expect(await jobIds()).toEqual(jobs);
  });

  /** An NSGA-III study of two objectives with generations of four. */
  function nsga(maxParallel: number): StudyDefinition {
    return {
      ...definition({ maxParallel, nTrials: 20 }),
      directions: ['minimize', 'minimize'],
      sampler: { type: 'nsga3', seed: 1, options: { populationSize: 4 } },
    };
  }

  /** Finishes a WAITING trial as a worker would: claimed, then COMPLETE. */
  async function complete(storage: InMemoryStorage, trialId: number, values = [1, 2]): Promise<void> {
    await storage.claimTrial(trialId, 'scheduler-spec', Date.now());
    await storage.finishTrial(trialId, 'COMPLETE', values, Date.now());
  }

  const generationOf = (t: FrozenTrial) => t.systemAttrs[NSGA3_GENERATION_ATTR];

  /** Counts the trial reads of a sampler's history (`getTrialsChangedSince`) on `storage`. */
  function countHistoryReads(storage: InMemoryStorage): { reads: number } {
    const counter = { reads: 0 };
    const read = storage.getTrialsChangedSince.bind(storage);
    storage.getTrialsChangedSince = (...args) => {
      counter.reads++;
      return read(...args);
    };
    return counter;
  }

  it('plans random search from the trial count, reading no trial of the history', async () => {
    const { storage, scheduler, studyId } = await setup(definition({ maxParallel: 2 }));
    const history = countHistoryReads(storage);
    await scheduler.refill(studyId);
    for (const t of await storage.getAllTrials(studyId)) await complete(storage, t.trialId, [1]);
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 2, state: 'RUNNING' });
    const trials = await storage.getAllTrials(studyId);
    expect(trials.map((t) => [t.number, t.state])).toEqual([
      [0, 'COMPLETE'],
      [1, 'COMPLETE'],
      [2, 'WAITING'],
      [3, 'WAITING'],
    ]);
    // Every parameter of the built-in objective planned, each trial its own draw.
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(4);
    expect(trials.every((t) => Object.keys(t.params).sort().join() === 'x1,x2')).toBe(true);
    expect(history.reads).toBe(0);
  });

  it('reads the history of a sampler that learns from it', async () => {
    const { storage, scheduler, studyId } = await setup({
      ...definition({ maxParallel: 2 }),
      sampler: { type: 'tpe', seed: 1 },
    });
    const history = countHistoryReads(storage);
    await scheduler.refill(studyId);
    expect(history.reads).toBeGreaterThan(0);
  });

  it('sends a whole generation together when maxParallel allows, and no more while it is in flight', async () => {
    const { storage, scheduler, studyId } = await setup(nsga(8));
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 4, state: 'RUNNING' });
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 0, state: 'RUNNING' });
    expect(await storage.getAllTrials(studyId, ['WAITING'])).toHaveLength(4);
  });

  it('keeps at most maxParallel trials of a larger generation in flight, and opens the next only once it is complete', async () => {
    const { storage, scheduler, studyId } = await setup(nsga(2));
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 2 });
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 0 });

    // As trials finish, the rest of generation 0 follows, two at a time.
    const [first, second] = await storage.getAllTrials(studyId, ['WAITING']);
    await complete(storage, first.trialId);
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 1 });
    await complete(storage, second.trialId);
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 1 });
    expect(await storage.getAllTrials(studyId, ['WAITING'])).toHaveLength(2);

    // Three COMPLETE, one in flight: the generation needs no more, so nothing is sent though a slot is free.
    const [third, fourth] = await storage.getAllTrials(studyId, ['WAITING']);
    await complete(storage, third.trialId);
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 0 });

    await complete(storage, fourth.trialId);
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 2 });
    const trials = await storage.getAllTrials(studyId);
    expect(trials.map(generationOf)).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it('runs CMA-ES generations under a lower maxParallel: never more in flight, never two generations at once', async () => {
    const cmaes = {
      ...definition({ maxParallel: 2, nTrials: 16 }),
      sampler: { type: 'cmaes' as const, seed: 1, options: { popsize: 5 } },
    };
    const { storage, scheduler, studyId } = await setup(cmaes);
    for (let step = 0; step < 16; step++) {
      await scheduler.refill(studyId);
      const inFlight = await storage.getAllTrials(studyId, ['WAITING']);
      expect(inFlight.length).toBeLessThanOrEqual(2);
      // The startup trial belongs to no generation.
      const open = inFlight.map((t) => t.systemAttrs[CMA_GENERATION_ATTR]).filter((g) => g !== undefined);
      expect(new Set(open).size).toBeLessThanOrEqual(1);
      if (inFlight.length === 0) break;
      await complete(storage, inFlight[0].trialId, [step]);
    }
    const generations = (await storage.getAllTrials(studyId)).map((t) => t.systemAttrs[CMA_GENERATION_ATTR]);
    // The startup trial, then generations closed at whole rounds of two (λ' = 4 of λ = 5).
    expect(generations).toEqual([undefined, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]);
  });

  it('completes the study when the budget is spent and nothing is in flight', async () => {
    const { storage, scheduler, studyId, jobIds, stateOf } = await setup(definition({ nTrials: 2 }));
    for (const value of [1, 2]) await storage.createTrial(studyId, { state: 'COMPLETE', values: [value] });
    expect(await scheduler.refill(studyId)).toEqual({ created: 0, requeued: 0, state: 'COMPLETED' });
    expect(await stateOf()).toBe('COMPLETED');
    expect(await jobIds()).toEqual([]);
  });

  it('does not complete a spent study while a trial is still in flight', async () => {
    const { storage, scheduler, studyId, stateOf } = await setup(definition({ nTrials: 2 }));
    await storage.createTrial(studyId, { state: 'COMPLETE', values: [1] });
    await storage.createTrial(studyId, { state: 'RUNNING' });
    expect(await scheduler.refill(studyId)).toMatchObject({ created: 0, state: 'RUNNING' });
    expect(await stateOf()).toBe('RUNNING');
  });

  it('gives a STOPPED study neither trials nor jobs', async () => {
    const { storage, scheduler, studyId, jobIds, stateOf } = await setup(definition(), 'STOPPED');
    expect(await scheduler.refill(studyId)).toEqual({ created: 0, requeued: 0, state: 'STOPPED' });
    expect(await storage.getAllTrials(studyId)).toEqual([]);
    expect(await jobIds()).toEqual([]);
    expect(await stateOf()).toBe('STOPPED');
  });

  it('answers GONE for a study that no longer exists', async () => {
    const { scheduler, studyId } = await setup(definition());
    expect(await scheduler.refill(studyId + 1000)).toEqual({ created: 0, requeued: 0, state: 'GONE' });
  });

  it('answers BUSY, creating nothing, while another holds the study lock', async () => {
    const { storage, scheduler, studyId, prefix } = await setup(definition());
    const other = new StudyLock(redis, prefix);
    let outcome;
    await other.withLock(studyId, async () => {
      outcome = await scheduler.refill(studyId);
    });
    expect(outcome).toEqual({ created: 0, requeued: 0, state: 'BUSY' });
    expect(await storage.getAllTrials(studyId)).toEqual([]);
  });

  it('sweeps a stored WAITING trial whose job is gone back into the queue, and asks for a refill', async () => {
    const { storage, refills, scheduler, studyId, jobIds } = await setup(definition());
    // A trial enqueued or requeued while Redis lost its job: stored WAITING, no job anywhere.
    const orphan = await storage.createTrial(studyId, { state: 'WAITING' });
    await scheduler.sweep();
    expect(refills.requested).toEqual([[studyId, 'sweep']]);
    // Once: its refill may be on its way. Twice in a row: the job is lost.
    expect(await jobIds()).toEqual([]);
    await scheduler.sweep();
    expect(await jobIds()).toEqual([trialJobId(orphan.trialId)]);
  });

  it('takes a WAITING trial for one whose job is lost only when two sweeps in a row find it without one', async () => {
    const { storage, trials, scheduler, studyId, jobIds } = await setup(definition());
    const trial = await storage.createTrial(studyId, { state: 'WAITING' });
    await scheduler.sweep();
    // Its refill came between the two sweeps.
    await trials.add(
      'trial',
      { studyId, trialId: trial.trialId, trialNumber: trial.number },
      {
        jobId: trialJobId(trial.trialId),
      },
    );
    await scheduler.sweep();
    await trials.getJob(trialJobId(trial.trialId)).then((job) => job?.remove());
    // The third sweep finds it jobless once more: a first time again, not a second.
    await scheduler.sweep();
    expect(await jobIds()).toEqual([]);
  });

  it('leaves alone a WAITING trial that a worker claims while the sweep looks for its job', async () => {
    const { storage, scheduler, studyId, jobIds } = await setup(definition());
    // The trial ran meanwhile: its job completed and is gone (removeOnComplete) when the sweep looks.
    const taken = await storage.createTrial(studyId, { state: 'WAITING' });
    // A first sweep finds it without a job (its refill may be on its way)...
    await scheduler.sweep();
    expect(await jobIds()).toEqual([]);
    // ...and the second one too, but a worker claims it while the sweep looks.
    const readPage = storage.getTrialPage.bind(storage);
    let reads = 0;
    storage.getTrialPage = async (...args) => {
      const page = await readPage(...args);
      if (++reads === 1) await storage.claimTrial(taken.trialId, 'worker-1', Date.now());
      return page;
    };
    await scheduler.sweep();
    expect(await jobIds()).toEqual([]);
    expect((await storage.getTrial(taken.trialId)).state).toBe('RUNNING');
  });

  it('reconciles a study only between its refills in this process', async () => {
    const { storage, refills, scheduler, studyId, jobIds } = await setup(definition({ maxParallel: 2 }));
    // A refill between creating its trials and adding their jobs: the sweep must not take them for lost.
    let pageReads = 0;
    const readPage = storage.getTrialPage.bind(storage);
    storage.getTrialPage = (...args) => {
      pageReads++;
      return readPage(...args);
    };
    let sweeping: Promise<void> = Promise.resolve();
    let readsDuringRefill = -1;
    const created = storage.createTrials.bind(storage);
    storage.createTrials = async (...args) => {
      const trials = await created(...args);
      const before = pageReads;
      sweeping = scheduler.sweep();
      // Once the sweep has asked for the study's refill it is at the study's WAITING trials; the storage
      // answers within a few turns of the event loop.
      while (!refills.requested.some(([id, reason]) => id === studyId && reason === 'sweep')) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      readsDuringRefill = pageReads - before;
      return trials;
    };
    await scheduler.refill(studyId);
    await sweeping;
    expect(readsDuringRefill).toBe(0);
    expect(await jobIds()).toHaveLength(2);
  });

  it("reconciles the other studies' leases while a study's refill is under way", async () => {
    const { storage, scheduler, studyId } = await setup(definition(), 'RUNNING', 0.05);
    // Leases are judged once the database has answered for a lease's length.
    await scheduler.sweep();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await storage.createTrial(studyId, { state: 'WAITING' });
    // A second study, whose only trial's worker vanished an hour ago.
    const other = await storage.createStudy({
      studyName: 'other',
      directions: ['minimize'],
      systemAttrs: {
        [DEFINITION_ATTR]: { ...definition(), name: 'other' } as unknown as JsonObject,
        [STATE_ATTR]: 'RUNNING',
        [STARTED_AT_ATTR]: Date.now(),
      },
    });
    const lapsed = await storage.createTrial(other.studyId, { state: 'WAITING' });
    await storage.claimTrial(lapsed.trialId, 'gone-worker', Date.now() - 3_600_000);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const create = storage.createTrials.bind(storage);
    storage.createTrials = async (id, templates) => {
      if (id === studyId) await held;
      return create(id, templates);
    };
    const refilling = scheduler.refill(studyId);
    const sweeping = scheduler.sweep();
    const deadline = Date.now() + 3_000;
    while ((await storage.getTrial(lapsed.trialId)).state === 'RUNNING' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const stateDuringRefill = (await storage.getTrial(lapsed.trialId)).state;
    release();
    await Promise.all([refilling, sweeping]);
    expect(stateDuringRefill).toBe('WAITING');
  });

  it('reconciles with the counts of when its turn comes: never more than maxParallel in flight', async () => {
    const { storage, trials, refills, scheduler, studyId, jobIds } = await setup(
      definition({ nTrials: 20, maxParallel: 3 }),
    );
    // A backlog enqueued through the API: 10 WAITING trials, of which the window (3) gets jobs.
    for (let i = 0; i < 10; i++) await storage.createTrial(studyId, { state: 'WAITING' });
    await scheduler.refill(studyId);
    expect(await jobIds()).toHaveLength(3);
    // A refill held before it reads anything; the sweep reads the study (10 WAITING, 0 RUNNING) meanwhile
    // and waits for that refill.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const refillStarted = new Promise<void>((resolve) => (entered = resolve));
    const count = storage.countTrials.bind(storage);
    let hold = true;
    storage.countTrials = async (id) => {
      if (hold) {
        hold = false;
        entered();
        await held;
      }
      return count(id);
    };
    const refilling = scheduler.refill(studyId);
    await refillStarted;
    const sweeping = scheduler.sweep();
    while (!refills.requested.some(([id, reason]) => id === studyId && reason === 'sweep')) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Workers take the 3 trials of the window: claimed, their jobs done and gone.
    for (const job of await trials.getJobs(['waiting', 'prioritized'])) {
      await storage.claimTrial((job.data as TrialJobData).trialId, 'worker-1', Date.now());
      await job.remove();
    }
    // From now on the study is at its maxParallel: neither the refill nor the sweep has a window to read.
    const readPage = storage.getTrialPage.bind(storage);
    const windowsRead: number[] = [];
    storage.getTrialPage = (id, query) => {
      windowsRead.push(query?.limit ?? -1);
      return readPage(id, query);
    };
    release();
    await Promise.all([refilling, sweeping]);
    expect(windowsRead).toEqual([]);
    // 3 RUNNING: the study's maxParallel. No WAITING trial may have a job.
    expect(await jobIds()).toEqual([]);
  });

  it('sweeps past a STOPPED study without enqueueing or asking for a refill', async () => {
    const { storage, refills, scheduler, studyId, jobIds } = await setup(definition(), 'STOPPED');
    await storage.createTrial(studyId, { state: 'WAITING' });
    await scheduler.sweep();
    expect(await jobIds()).toEqual([]);
    expect(refills.requested).toEqual([]);
  });
});
