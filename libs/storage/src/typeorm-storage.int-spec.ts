import {
  floatDistribution,
  InvalidArgumentError,
  StudyNotFoundError,
  TrialAlreadyFinishedError,
  TrialHistory,
  TrialNotFoundError,
  type FrozenTrial,
} from '@tuneforge/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runStorageMigrations, storageDataSourceOptions } from './data-source';
import {
  adminPostgresUrl,
  freshPostgresDatabase,
  freshSqliteFile,
  type FreshDatabase,
} from './testing/fresh-database';
import { TypeOrmStorage } from './typeorm-storage';
import { openStorage } from './storage-url';

/** What TypeOrmStorage adds to the port for the platform, and its concurrency, on both databases. */
describe.each([
  ['postgres', freshPostgresDatabase],
  ['sqlite', freshSqliteFile],
] as const)('TypeOrmStorage(%s)', (_dialect, fresh) => {
  let db: FreshDatabase;
  let storage: TypeOrmStorage;
  let studyId: number;
  const x = floatDistribution(-10, 10);

  beforeAll(async () => {
    db = await fresh();
  });
  afterAll(() => db.drop());

  beforeEach(async () => {
    storage = (await openStorage(db.url)) as TypeOrmStorage;
    studyId = (await storage.createStudy({ studyName: `s-${Math.random()}`, directions: ['minimize'] }))
      .studyId;
  });
  afterEach(() => storage.close());

  it('creates trials in bulk with consecutive numbers, also under concurrent bulk writers', async () => {
    const created = await storage.createTrials(studyId, [
      { state: 'WAITING', params: { x: 1 }, distributions: { x } },
      {
        state: 'COMPLETE',
        values: [2],
        params: { x: 2 },
        distributions: { x },
        intermediateValues: { 0: 5, 1: 4 },
      },
      {},
    ]);
    expect(created.map((t) => [t.number, t.state])).toEqual([
      [0, 'WAITING'],
      [1, 'COMPLETE'],
      [2, 'RUNNING'],
    ]);
    expect(await storage.getAllTrials(studyId)).toEqual(created);
    const batches = await Promise.all(
      Array.from({ length: 5 }, () =>
        storage.createTrials(
          studyId,
          Array.from({ length: 10 }, () => ({})),
        ),
      ),
    );
    for (const batch of batches) {
      const numbers = batch.map((t) => t.number);
      expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i));
    }
    const all = (await storage.getAllTrials(studyId)).map((t) => t.number);
    expect(all).toEqual(Array.from({ length: 53 }, (_, i) => i));
    expect(await storage.createTrials(studyId, [])).toEqual([]);
  });

  it('upserts a batch of intermediate values at once', async () => {
    const t = await storage.createTrial(studyId);
    await storage.setTrialIntermediateValues(t.trialId, { 0: 1, 1: 0.5 });
    await storage.setTrialIntermediateValues(t.trialId, { 1: 0.25, 2: Infinity });
    expect((await storage.getTrial(t.trialId)).intermediateValues).toEqual({ 0: 1, 1: 0.25, 2: Infinity });
    await storage.finishTrial(t.trialId, 'PRUNED', [0.25], 10);
    await expect(storage.setTrialIntermediateValues(t.trialId, { 3: 0 })).rejects.toBeInstanceOf(
      TrialAlreadyFinishedError,
    );
  });

  it('records the worker, its attempt and its lease renewals in their columns', async () => {
    const w = await storage.createTrial(studyId, { state: 'WAITING' });
    expect(await storage.getTrialWorkerInfo(w.trialId)).toEqual({
      heartbeatAt: null,
      workerId: null,
      attempt: 0,
    });
    await storage.claimTrial(w.trialId, 'worker-a', 1_000);
    expect(await storage.getTrialWorkerInfo(w.trialId)).toEqual({
      heartbeatAt: 1_000,
      workerId: 'worker-a',
      attempt: 1,
    });
    await storage.renewLeases('worker-a', [w.trialId], 2_000);
    expect((await storage.getTrialWorkerInfo(w.trialId)).heartbeatAt).toBe(2_000);
    await storage.expireLeases(studyId, 3_000, 3_000, 5, 'lapsed');
    expect(await storage.getTrialWorkerInfo(w.trialId)).toEqual({
      heartbeatAt: null,
      workerId: null,
      attempt: 1,
    });
    await storage.claimTrial(w.trialId, 'worker-b', 4_000);
    expect(await storage.getTrialWorkerInfo(w.trialId)).toEqual({
      heartbeatAt: 4_000,
      workerId: 'worker-b',
      attempt: 2,
    });
    await expect(storage.getTrialWorkerInfo(w.trialId + 999)).rejects.toBeInstanceOf(TrialNotFoundError);
    await expect(storage.claimTrial(w.trialId, '', 1)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(storage.renewLeases('', [w.trialId], 1)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('keeps the platform’s study state and definition beside the record', async () => {
    const before = await storage.getStudyDetails(studyId);
    expect(before).toMatchObject({ state: 'RUNNING', definition: null });
    await storage.setStudyState(studyId, 'PAUSED');
    await storage.setStudyDefinition(studyId, {
      sampler: { type: 'tpe', seed: 1 },
      objective: { builtin: 'branin' },
    });
    const after = await storage.getStudyDetails(studyId);
    expect(after).toMatchObject({
      state: 'PAUSED',
      definition: { sampler: { type: 'tpe', seed: 1 }, objective: { builtin: 'branin' } },
    });
    expect(after.updatedAt).toBeGreaterThanOrEqual(before.updatedAt);
    await storage.setStudyDefinition(studyId, null);
    expect((await storage.getStudyDetails(studyId)).definition).toBeNull();
    await expect(storage.setStudyState(studyId, '')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(storage.setStudyState(studyId + 999, 'PAUSED')).rejects.toBeInstanceOf(StudyNotFoundError);
    await expect(storage.getStudyDetails(studyId + 999)).rejects.toBeInstanceOf(StudyNotFoundError);
  });

  it('refuses arguments the schema cannot hold, with InvalidArgumentError', async () => {
    const t = await storage.createTrial(studyId);
    await expect(storage.setTrialIntermediateValue(t.trialId, -1, 0)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(storage.setTrialIntermediateValue(t.trialId, 1.5, 0)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      storage.createStudy({ studyName: 'n'.repeat(513), directions: ['minimize'] }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(storage.getTrialsChangedSince(studyId, -1)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('keeps cached histories exact while several writers and readers work at once', async () => {
    const readers = [new TrialHistory(storage, studyId), new TrialHistory(storage, studyId)];
    let writing = true;
    const reading = readers.map(async (h) => {
      while (writing) await h.refresh();
    });
    const writer = async (w: number) => {
      for (let i = 0; i < 20; i++) {
        const t = (await storage.claimWaitingTrial(studyId, i)) ?? (await storage.createTrial(studyId));
        await storage.setTrialParam(t.trialId, 'x', w, x);
        await storage.setTrialIntermediateValue(t.trialId, 0, i);
        await storage.finishTrial(t.trialId, i % 5 === 0 ? 'PRUNED' : 'COMPLETE', [w * 100 + i], i);
      }
    };
    await storage.createTrials(
      studyId,
      Array.from({ length: 10 }, () => ({ state: 'WAITING' as const })),
    );
    await Promise.all([0, 1, 2, 3].map(writer));
    writing = false;
    await Promise.all(reading);
    const stored = await storage.getAllTrials(studyId);
    expect(stored.map((t) => t.number)).toEqual(Array.from({ length: 80 }, (_, i) => i));
    for (const h of readers) {
      await h.refresh();
      expect(h.getTrials()).toEqual(stored);
    }
  });

  it('close() is idempotent, and leaves a DataSource it did not open to its owner', async () => {
    const options =
      _dialect === 'postgres'
        ? storageDataSourceOptions({ dialect: 'postgres', url: db.url })
        : storageDataSourceOptions({ dialect: 'sqlite', path: db.url.slice('sqlite:'.length) });
    const ds = await new DataSource(options).initialize();
    await runStorageMigrations(ds);
    const borrowed = new TypeOrmStorage(ds);
    expect(borrowed.url).toMatch(_dialect === 'postgres' ? /^postgres:\/\// : /^sqlite:/);
    expect((await borrowed.getStudy(studyId)).studyId).toBe(studyId);
    await borrowed.close();
    await borrowed.close();
    expect(ds.isInitialized).toBe(true);
    await ds.destroy();
    await storage.close();
    await storage.close();
    expect(storage.dataSource.isInitialized).toBe(false);
  });
});

describe('TypeOrmStorage(postgres) change cursor', () => {
  let db: FreshDatabase;
  let storage: TypeOrmStorage;
  let studyId: number;
  let trials: FrozenTrial[];

  beforeAll(async () => {
    db = await freshPostgresDatabase();
    storage = (await openStorage(db.url)) as TypeOrmStorage;
    studyId = (await storage.createStudy({ studyName: 'cursor', directions: ['minimize'] })).studyId;
    trials = await storage.createTrials(studyId, [{}, {}, {}]);
  });
  afterAll(async () => {
    await storage.close();
    await db.drop();
  });

  it('returns a change whose transaction commits after the reader moved past later changes', async () => {
    const slow = new Client({ connectionString: db.url });
    await slow.connect();
    try {
      let { cursor } = await storage.getTrialsChangedSince(studyId, 0);
      // A writer whose transaction id is older than the changes below, committing last.
      await slow.query('BEGIN');
      await slow.query(
        `UPDATE trials SET user_attrs = '{"slow":true}', version = pg_current_xact_id()::text::bigint WHERE trial_id = $1`,
        [trials[0].trialId],
      );
      await storage.setTrialUserAttr(trials[1].trialId, 'fast', true);
      const first = await storage.getTrialsChangedSince(studyId, cursor);
      expect(first.trials.map((t) => t.number)).toEqual([1]);
      cursor = first.cursor;
      await slow.query('COMMIT');
      // The cursor stayed below the open transaction, so trial 1 comes again (readers replace by
      // number) and trial 0 is not lost.
      const second = await storage.getTrialsChangedSince(studyId, cursor);
      expect(second.trials.map((t) => [t.number, t.userAttrs])).toEqual([
        [0, { slow: true }],
        [1, { fast: true }],
      ]);
      expect((await storage.getTrialsChangedSince(studyId, second.cursor)).trials).toEqual([]);
    } finally {
      await slow.end();
    }
  });

  it('is not held back by transactions open in other databases', async () => {
    const other = new Client({ connectionString: adminPostgresUrl() });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      const { cursor } = await storage.getTrialsChangedSince(studyId, 0);
      await storage.setTrialUserAttr(trials[2].trialId, 'k', 1);
      const changed = await storage.getTrialsChangedSince(studyId, cursor);
      expect(changed.trials.map((t) => t.number)).toEqual([2]);
      expect((await storage.getTrialsChangedSince(studyId, changed.cursor)).trials).toEqual([]);
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
  });
});
