import { floatDistribution, InvalidArgumentError, TrialHistory, type FrozenTrial } from '@tuneforge/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runStorageMigrations, storageDataSourceOptions } from './data-source';
import {
  adminPostgresUrl,
  freshPostgresDatabase,
  freshSqliteFile,
  type FreshDatabase,
} from './testing/fresh-database';
import { bestFirstEntryQuery, SQL } from './backends/postgres-backend';
import { TypeOrmStorage } from './typeorm-storage';
import { openStorage } from './storage-url';

/** What TypeOrmStorage adds to the port (bulk creation, the lease columns) and its concurrency, on both databases. */
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

  it('keeps the lease in its columns and derives the lease attributes from them', async () => {
    type Stored = {
      heartbeat_at: string | null;
      worker_id: string | null;
      attempt: number;
      system_attrs: string;
    };
    const stored = async (trialId: number): Promise<Stored> => {
      const [row] = (await storage.dataSource.query(
        `SELECT heartbeat_at, worker_id, attempt, system_attrs FROM trials WHERE trial_id = ${Number(trialId)}`,
      )) as Stored[];
      return { ...row, heartbeat_at: row.heartbeat_at === null ? null : String(row.heartbeat_at) };
    };
    const w = await storage.createTrial(studyId, { state: 'WAITING' });
    expect(await stored(w.trialId)).toEqual({
      heartbeat_at: null,
      worker_id: null,
      attempt: 0,
      system_attrs: '{}',
    });

    await storage.claimTrial(w.trialId, 'worker-a', 1_000);
    await storage.setTrialSystemAttr(w.trialId, 'platform:attempt', 7);
    expect((await storage.getTrial(w.trialId)).systemAttrs).toEqual({
      'platform:worker': 'worker-a',
      'platform:attempt': 1,
    });
    // One stored home: the columns; system_attrs holds neither key.
    expect(await stored(w.trialId)).toEqual({
      heartbeat_at: '1000',
      worker_id: 'worker-a',
      attempt: 1,
      system_attrs: '{}',
    });

    // A renewed lease is visible through expireLeases: lapsed before 1 500 spares it, before 2 500 not.
    expect(await storage.renewLeases('worker-a', [w.trialId], 2_000)).toEqual([w.trialId]);
    expect((await stored(w.trialId)).heartbeat_at).toBe('2000');
    expect(await storage.expireLeases(studyId, 1_500, 3_000, 5, 'lapsed')).toEqual({
      requeued: [],
      failed: [],
    });
    const { requeued } = await storage.expireLeases(studyId, 2_500, 3_000, 5, 'lapsed');
    expect(requeued.map((t) => [t.trialId, t.systemAttrs])).toEqual([[w.trialId, { 'platform:attempt': 1 }]]);
    expect(await stored(w.trialId)).toEqual({
      heartbeat_at: null,
      worker_id: null,
      attempt: 1,
      system_attrs: '{}',
    });

    await storage.claimTrial(w.trialId, 'worker-b', 4_000);
    await storage.finishTrial(w.trialId, 'COMPLETE', [1], 5_000);
    expect((await storage.getTrial(w.trialId)).systemAttrs).toEqual({
      'platform:worker': 'worker-b',
      'platform:attempt': 2,
    });
    expect(await stored(w.trialId)).toMatchObject({ worker_id: 'worker-b', attempt: 2, system_attrs: '{}' });
    await expect(storage.claimTrial(w.trialId, '', 1)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(storage.renewLeases('', [w.trialId], 1)).rejects.toBeInstanceOf(InvalidArgumentError);
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

describe('TypeOrmStorage(postgres) statement plans', () => {
  it('plans the hot statements for the table as it is now, not as it was when a connection prepared them', async () => {
    const db = await freshPostgresDatabase();
    const storage = (await openStorage(db.url)) as TypeOrmStorage;
    try {
      await expectPlansForTheTableAsItIs(storage);
    } finally {
      await storage.close();
      await db.drop();
    }
  });

  async function expectPlansForTheTableAsItIs(storage: TypeOrmStorage): Promise<void> {
    const { studyId } = await storage.createStudy({ studyName: 'plans', directions: ['minimize'] });
    const [waiting, , running] = await storage.createTrials(studyId, [
      { state: 'WAITING' },
      { state: 'WAITING' },
      {},
    ]);
    // The statements as the backend prepares them, with arguments of the shape it sends, on a connection
    // of the storage's pool (its session settings).
    const statements: Record<string, [string, string]> = {
      claim_trials: [SQL.claimTrials, `(ARRAY[${waiting.trialId}], ARRAY['w'], ARRAY[1]::bigint[])`],
      finish_trials: [
        SQL.finishTrials,
        `(ARRAY[${running.trialId}], ARRAY['COMPLETE'], ARRAY['[1]'], ARRAY[1]::bigint[])`,
      ],
      renew_leases: [SQL.renewLeases, `('w', ARRAY[${running.trialId}], 5)`],
      count_study_trials: [SQL.countStudyTrials, `(${studyId})`],
      changed_since: [SQL.changedSince, `(${studyId}, 2147483647)`],
    };
    const runner = storage.dataSource.createQueryRunner();
    await runner.connect();
    try {
      for (const [name, [text]] of Object.entries(statements))
        await runner.query(`PREPARE ${name} AS ${text}`);
      // More executions than Postgres makes custom plans for before it may settle on a generic one, while
      // the table is small (a new database), each undone.
      await runner.query('BEGIN');
      for (let i = 0; i < 8; i++) {
        for (const [name, [, args]] of Object.entries(statements)) {
          await runner.query('SAVEPOINT one');
          await runner.query(`EXECUTE ${name}${args}`);
          await runner.query('ROLLBACK TO SAVEPOINT one');
        }
      }
      await runner.query('COMMIT');
      await storage.createTrials(
        studyId,
        Array.from({ length: 5000 }, () => ({ state: 'COMPLETE' as const, values: [1] })),
      );
      await runner.query('BEGIN');
      const seqScans: string[] = [];
      for (const [name, [, args]] of Object.entries(statements)) {
        const plan = (await runner.query(`EXPLAIN (COSTS OFF) EXECUTE ${name}${args}`)) as Array<
          Record<string, string>
        >;
        if (plan.some((row) => row['QUERY PLAN'].includes('Seq Scan on trials'))) seqScans.push(name);
      }
      await runner.query('ROLLBACK');
      expect(seqScans).toEqual([]);
    } finally {
      await runner.release();
    }
  }

  it('reads the best trial from the value index before Postgres has statistics on the trials table', async () => {
    const db = await freshPostgresDatabase();
    const storage = (await openStorage(db.url)) as TypeOrmStorage;
    try {
      // A new database as autovacuum leaves it for its first minute: no statistics on trials.
      await storage.dataSource.query('ALTER TABLE trials SET (autovacuum_enabled = off)');
      const { studyId } = await storage.createStudy({ studyName: 'best', directions: ['minimize'] });
      const values = Array.from({ length: 3000 }, (_, i) => 2 + Math.sin(i));
      await storage.createTrials(
        studyId,
        values.map((v) => ({ state: 'COMPLETE' as const, values: [v] })),
      );
      for (const direction of ['minimize', 'maximize'] as const) {
        const plan = (await storage.dataSource.query(
          `EXPLAIN (COSTS OFF) ${bestFirstEntryQuery(direction).replace('$1', String(studyId))}`,
        )) as Array<Record<string, string>>;
        // One index entry, not a sort of every COMPLETE trial of the study.
        expect(plan.map((row) => row['QUERY PLAN']).filter((line) => /Sort|Seq Scan/.test(line))).toEqual([]);
        const best = direction === 'minimize' ? Math.min(...values) : Math.max(...values);
        expect((await storage.getBestTrial(studyId, direction))?.number).toBe(values.indexOf(best));
      }
    } finally {
      await storage.close();
      await db.drop();
    }
  });
});
