import { BadRequestException } from '@nestjs/common';
import { InMemoryStorage, TrialNotFoundError } from '@tuneforge/core';
import { STATE_ATTR, StudyStateConflictError } from '@tuneforge/platform';
import { Redis } from 'ioredis';
import { probeDataSource, studyServices } from '../testing/study-services';
import type { CreateStudyDto } from '../studies/dto/create-study.dto';

const study: CreateStudyDto = {
  name: 'trials',
  direction: 'minimize',
  sampler: { type: 'random' },
  objective: { builtin: 'branin' },
  budget: { nTrials: 3, maxParallel: 1 },
  seed: 7,
} as CreateStudyDto;

describe('TrialsService', () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  const prefix = `tf-trials-service-${process.pid}-${Date.now()}`;
  const dataSource = probeDataSource();

  beforeAll(async () => {
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    const found = await redis.keys(`${prefix}:*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
  });

  /** The services over a fresh in-memory storage holding one platform study (created through the API's service). */
  async function setup() {
    const storage = new InMemoryStorage();
    const { refills, studies, trials } = studyServices(storage, redis, dataSource, prefix);
    const { study: created } = await studies.create(study);
    refills.requested.length = 0;
    return { storage, refills, trials, studyId: created.id };
  }

  it('enqueues a WAITING trial with the given parameters and asks for a refill of a RUNNING study', async () => {
    const { storage, refills, trials, studyId } = await setup();
    const enqueued = await trials.enqueue(studyId, { params: { x1: 0.5, x2: 2 } });
    expect(enqueued).toMatchObject({ number: 0, state: 'WAITING' });
    const [stored] = await storage.getAllTrials(studyId);
    expect(stored.state).toBe('WAITING');
    expect(stored.systemAttrs.fixed_params).toEqual({ x1: 0.5, x2: 2 });
    expect(refills.requested).toEqual([[studyId, 'start']]);
  });

  it('enqueues on a STOPPED study without asking for a refill (it runs once resumed)', async () => {
    const { storage, refills, trials, studyId } = await setup();
    await storage.setStudySystemAttr(studyId, STATE_ATTR, 'STOPPED');
    await trials.enqueue(studyId, { params: { x1: 0.5, x2: 2 } });
    expect(await storage.getAllTrials(studyId, ['WAITING'])).toHaveLength(1);
    expect(refills.requested).toEqual([]);
  });

  it('refuses to enqueue on a COMPLETED study, writing nothing', async () => {
    const { storage, trials, studyId } = await setup();
    await storage.setStudySystemAttr(studyId, STATE_ATTR, 'COMPLETED');
    await expect(trials.enqueue(studyId, { params: { x1: 0.5, x2: 2 } })).rejects.toBeInstanceOf(
      StudyStateConflictError,
    );
    expect(await storage.getAllTrials(studyId)).toEqual([]);
  });

  it('refuses to enqueue past the budget, naming budget.nTrials', async () => {
    const { trials, studyId } = await setup();
    for (let i = 0; i < 3; i++) await trials.enqueue(studyId, { params: { x1: i, x2: 2 } });
    await expect(trials.enqueue(studyId, { params: { x1: 0, x2: 2 } })).rejects.toThrow(/budget\.nTrials/);
  });

  it('refuses a parameter outside the search space with a 400 naming it, writing nothing', async () => {
    const { storage, trials, studyId } = await setup();
    const refused = trials.enqueue(studyId, { params: { x1: 99, x2: 2 } });
    await expect(refused).rejects.toBeInstanceOf(BadRequestException);
    await expect(refused).rejects.toThrow(/x1/);
    expect(await storage.getAllTrials(studyId)).toEqual([]);
  });

  it('lists trials by value with the valueless last, paged by offset and limit', async () => {
    const { storage, trials, studyId } = await setup();
    for (const values of [[3], null, [1], [2]]) {
      await storage.createTrial(studyId, values ? { state: 'COMPLETE', values } : { state: 'WAITING' });
    }
    const all = await trials.list(studyId, { order: 'value' });
    expect(all.items.map((t) => t.number)).toEqual([2, 3, 0, 1]);
    const page = await trials.list(studyId, { order: 'value', offset: 1, limit: 2 });
    expect(page).toMatchObject({ total: 4, offset: 1, limit: 2 });
    expect(page.items.map((t) => t.number)).toEqual([3, 0]);
  });

  it('pages by the next cursor in both value orders, and refuses a cursor of another order naming after', async () => {
    const { storage, trials, studyId } = await setup();
    for (const values of [[3], null, [1], [2], [1], null]) {
      await storage.createTrial(studyId, values ? { state: 'COMPLETE', values } : { state: 'WAITING' });
    }
    const walk = async (order: 'value' | '-value') => {
      const seen: number[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await trials.list(studyId, { order, limit: 2, after });
        expect(page.total).toBe(6);
        seen.push(...page.items.map((t) => t.number));
        if (page.next === null) return seen;
        after = page.next;
      }
    };
    expect(await walk('value')).toEqual([2, 4, 3, 0, 1, 5]);
    expect(await walk('-value')).toEqual([0, 3, 2, 4, 1, 5]);
    const first = await trials.list(studyId, { order: 'value', limit: 2 });
    expect(first.next).toBe('1:4');
    await expect(trials.list(studyId, { order: 'number', after: '1:4' })).rejects.toMatchObject({
      response: { errors: [{ field: 'after' }] },
    });
  });

  it('lists only the trials in the state asked for', async () => {
    const { storage, trials, studyId } = await setup();
    await storage.createTrial(studyId, { state: 'COMPLETE', values: [1] });
    await storage.createTrial(studyId, { state: 'WAITING' });
    const waiting = await trials.list(studyId, { state: 'WAITING' });
    expect(waiting.items.map((t) => t.number)).toEqual([1]);
  });

  it('answers a trial number the study does not have with TrialNotFoundError', async () => {
    const { trials, studyId } = await setup();
    await expect(trials.get(studyId, 5)).rejects.toBeInstanceOf(TrialNotFoundError);
  });
});
