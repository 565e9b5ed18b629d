import { DuplicateStudyError, InMemoryStorage, StudyNotFoundError } from '@tuneforge/core';
import { DEFINITION_ATTR, RedisKeys, STATE_ATTR, StudyStateConflictError } from '@tuneforge/platform';
import { Redis } from 'ioredis';
import { probeDataSource, studyServices } from '../testing/study-services';
import type { CreateStudyDto } from './dto/create-study.dto';

function dto(overrides: Partial<CreateStudyDto> = {}): CreateStudyDto {
  return {
    name: 'created',
    direction: 'minimize',
    sampler: { type: 'random' },
    objective: { builtin: 'branin' },
    budget: { nTrials: 10, maxParallel: 2 },
    seed: 7,
    ...overrides,
  } as CreateStudyDto;
}

describe('StudiesService', () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  const prefix = `tf-studies-service-${process.pid}-${Date.now()}`;
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

  function setup() {
    const storage = new InMemoryStorage();
    const { refills, studies: service } = studyServices(storage, redis, dataSource, prefix);
    return { storage, refills, service };
  }

  it('creates a RUNNING study with its definition stored, and asks for its first refill', async () => {
    const { storage, refills, service } = setup();
    const outcome = await service.create(dto());
    expect(outcome.created).toBe(true);
    const record = await storage.getStudy(outcome.study.id);
    expect(record.studyName).toBe('created');
    expect(record.systemAttrs[STATE_ATTR]).toBe('RUNNING');
    expect(record.systemAttrs[DEFINITION_ATTR]).toMatchObject({
      name: 'created',
      objective: { kind: 'builtin', name: 'branin' },
      budget: { nTrials: 10, maxParallel: 2, timeoutSec: null },
    });
    expect(refills.requested).toEqual([[outcome.study.id, 'start']]);
  });

  it('answers the existing study with created false when the same definition is sent again', async () => {
    const { storage, service } = setup();
    const first = await service.create(dto());
    const again = await service.create(dto());
    expect(again.created).toBe(false);
    expect(again.study.id).toBe(first.study.id);
    expect(await storage.listStudies()).toHaveLength(1);
  });

  it('refuses the same name with another definition, naming the field that differs', async () => {
    const { storage, service } = setup();
    await service.create(dto());
    const other = service.create(dto({ budget: { nTrials: 20, maxParallel: 2 } }));
    await expect(other).rejects.toBeInstanceOf(DuplicateStudyError);
    await expect(other).rejects.toThrow(/budget\.nTrials is 10 there, 20 here/);
    expect(await storage.listStudies()).toHaveLength(1);
  });

  it('refuses a name the platform did not create (a library study), asking for another name', async () => {
    const { storage, service } = setup();
    await storage.createStudy({ studyName: 'created', directions: ['minimize'] });
    await expect(service.create(dto())).rejects.toThrow(
      /was not created through the platform: choose another name/,
    );
  });
  it('stops a RUNNING study, and answers a second stop with the study as it is', async () => {
    const { storage, service } = setup();
    const { study } = await service.create(dto());
    expect((await service.stop(study.id)).state).toBe('STOPPED');
    expect((await service.stop('created')).state).toBe('STOPPED');
    expect((await storage.getStudy(study.id)).systemAttrs[STATE_ATTR]).toBe('STOPPED');
  });

  it('resumes a STOPPED study and asks for a refill', async () => {
    const { refills, service } = setup();
    const { study } = await service.create(dto());
    await service.stop(study.id);
    refills.requested.length = 0;
    expect((await service.resume(study.id)).state).toBe('RUNNING');
    expect(refills.requested).toEqual([[study.id, 'resume']]);
  });

  it('refuses to stop a COMPLETED study, leaving it COMPLETED', async () => {
    const { storage, service } = setup();
    const { study } = await service.create(dto());
    await storage.setStudySystemAttr(study.id, STATE_ATTR, 'COMPLETED');
    await expect(service.stop(study.id)).rejects.toBeInstanceOf(StudyStateConflictError);
    expect((await storage.getStudy(study.id)).systemAttrs[STATE_ATTR]).toBe('COMPLETED');
  });

  it("deletes a study with its Redis keys (the pruning index), leaving other studies' keys", async () => {
    const { storage, service } = setup();
    const { study } = await service.create(dto());
    const keys = new RedisKeys(prefix);
    await redis.zadd(keys.completedTrials(study.id), 0, '0');
    await redis.zadd(keys.completedTrials(study.id + 1), 0, '0');
    await service.remove(study.id);
    await expect(storage.getStudy(study.id)).rejects.toBeInstanceOf(StudyNotFoundError);
    expect(await redis.exists(keys.completedTrials(study.id))).toBe(0);
    expect(await redis.exists(keys.completedTrials(study.id + 1))).toBe(1);
  });
});
