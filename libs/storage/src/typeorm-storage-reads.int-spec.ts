import {
  bestOfTrials,
  countByState,
  floatDistribution,
  pageOfTrials,
  TRIAL_ORDERS,
  TRIAL_STATES,
  type FrozenTrial,
  type TrialPageQuery,
  type TrialState,
  type TrialTemplate,
} from '@tuneforge/core';
import { Client } from 'pg';
import { freshPostgresDatabase, freshSqliteFile, type FreshDatabase } from './testing/fresh-database';
import { openStorage } from './storage-url';
import { DataSource } from 'typeorm';
import { storageDataSourceOptions } from './data-source';
import { STATEMENTS_COUNT_FINISHES } from './migrations/postgres/1797000000000-finishes-counted-by-their-statement';
import { TypeOrmStorage } from './typeorm-storage';

const x = floatDistribution(-10, 10);

/**
 * Trials with what the orders must get right: ties of value, infinities, NaN, no value, every state,
 * constraints that hold and that do not.
 */
function templates(): TrialTemplate[] {
  const values = [3, 1, 1, -Infinity, Infinity, NaN, 0.5, 2, 1, -4];
  const out: TrialTemplate[] = [];
  for (let i = 0; i < 30; i++) {
    const kind = i % 6;
    const state: TrialState = (['COMPLETE', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING', 'COMPLETE'] as const)[
      kind
    ];
    const withValue = state === 'COMPLETE' || (state === 'PRUNED' && i % 4 === 0);
    out.push({
      state,
      values: withValue ? [values[i % values.length]] : null,
      params: { x: (i % 7) - 3 },
      distributions: { x },
      // Some infeasible trials hold the smallest values: the best trial is not the smallest value.
      systemAttrs: { constraints: [i % 10 === 3 || i % 10 === 9 ? 1 : -1] },
      datetimeStart: state === 'WAITING' ? null : 1_000,
      datetimeComplete: state === 'WAITING' ? null : 2_000,
    });
  }
  return out;
}

const numbers = (trials: readonly FrozenTrial[]) => trials.map((t) => t.number);

/** The storage's indexed reads answer as the port's defaults over the whole history do. */
describe.each([
  ['postgres', freshPostgresDatabase],
  ['sqlite', freshSqliteFile],
] as const)('TypeOrmStorage(%s) reads of big studies', (_dialect, fresh) => {
  let db: FreshDatabase;
  let storage: TypeOrmStorage;
  let studyId: number;
  let all: FrozenTrial[];

  beforeAll(async () => {
    db = await fresh();
    storage = (await openStorage(db.url)) as TypeOrmStorage;
    studyId = (await storage.createStudy({ studyName: 'reads', directions: ['minimize'] })).studyId;
    await storage.createTrials(studyId, templates());
    // A state change after creation, and a trial created alone: the counters follow both.
    const [waiting] = await storage.getAllTrials(studyId, ['WAITING']);
    await storage.claimTrial(waiting.trialId, 'w1', 3_000);
    await storage.createTrial(studyId, { state: 'RUNNING' });
    all = await storage.getAllTrials(studyId);
  });
  afterAll(async () => {
    await storage.close();
    await db.drop();
  });

  it('counts trials by state', async () => {
    expect(await storage.countTrials(studyId)).toEqual(countByState(all));
    expect((await storage.countTrials(studyId)).RUNNING).toBe(2);
  });

  it('pages every order and state, by keyset and by offset, as the whole history sorted', async () => {
    for (const order of TRIAL_ORDERS) {
      for (const state of [undefined, ...TRIAL_STATES]) {
        const expected = numbers(pageOfTrials(all, { order, state, limit: 1000 }).trials);
        const walked: number[] = [];
        let query: TrialPageQuery = { order, state, limit: 4 };
        for (let pages = 0; pages < 20; pages++) {
          const page = await storage.getTrialPage(studyId, query);
          walked.push(...numbers(page.trials));
          if (!page.next) break;
          query = { ...query, after: page.next };
        }
        expect([order, state, walked]).toEqual([order, state, expected]);
        for (const offset of [0, 3, 17, 40]) {
          const page = await storage.getTrialPage(studyId, { order, state, offset, limit: 5 });
          expect([order, state, offset, numbers(page.trials)]).toEqual([
            order,
            state,
            offset,
            expected.slice(offset, offset + 5),
          ]);
        }
      }
    }
  });

  it('orders by value with ties by number, NaN after the numbers and trials without a value last', async () => {
    const page = await storage.getTrialPage(studyId, { order: '-value', limit: 1000 });
    const shown = page.trials.map((t) => (t.values ? t.values[0] : null));
    expect(shown[0]).toBe(Infinity);
    const firstNull = shown.indexOf(null);
    expect(shown.slice(firstNull).every((v) => v === null)).toBe(true);
    expect(Number.isNaN(shown[firstNull - 1])).toBe(true);
  });

  it('finds the best trial: feasible first, then the value, then the number', async () => {
    for (const direction of ['minimize', 'maximize'] as const) {
      const best = await storage.getBestTrial(studyId, direction);
      expect([direction, best?.number]).toEqual([direction, bestOfTrials(all, direction)?.number]);
    }
    // An infeasible trial has a better value than the best one.
    const best = (await storage.getBestTrial(studyId, 'minimize'))!;
    const infeasible = all.filter(
      (t) => t.state === 'COMPLETE' && t.systemAttrs.constraints?.toString() === '1',
    );
    expect(Math.min(...infeasible.map((t) => t.values![0]))).toBeLessThan(best.values![0]);
  });

  it('reads a trial by number, null for a number the study does not have', async () => {
    expect((await storage.getTrialByNumber(studyId, 7))?.trialId).toBe(all[7].trialId);
    expect(await storage.getTrialByNumber(studyId, 999)).toBeNull();
  });

  it('counts exactly under concurrent writers on their own connections (claims, finishes, creations)', async () => {
    const writers = await Promise.all([0, 1, 2, 3].map(() => openStorage(db.url)));
    try {
      const { studyId: busy } = await storage.createStudy({ studyName: 'busy', directions: ['minimize'] });
      await Promise.all(
        writers.map(async (w, k) => {
          for (let round = 0; round < 10; round++) {
            const created = await w.createTrials(busy, [{ state: 'WAITING' }, { state: 'WAITING' }]);
            for (const [i, t] of created.entries()) {
              await w.claimTrial(t.trialId, `w${k}`, 1_000);
              await w.finishTrial(
                t.trialId,
                i === 0 ? 'COMPLETE' : 'PRUNED',
                i === 0 ? [round] : null,
                2_000,
              );
            }
            await w.createTrial(busy, { state: 'RUNNING' });
          }
        }),
      );
      expect(await storage.countTrials(busy)).toEqual(countByState(await storage.getAllTrials(busy)));
      expect(await storage.countTrials(busy)).toMatchObject({ COMPLETE: 40, PRUNED: 40, RUNNING: 40 });
    } finally {
      await Promise.all(writers.map((w) => w.close()));
    }
  });

  it('answers an unknown study with StudyNotFoundError, and a deleted one too', async () => {
    const other = (await storage.createStudy({ studyName: 'gone', directions: ['minimize'] })).studyId;
    await storage.createTrials(other, templates().slice(0, 5));
    await storage.deleteStudy(other);
    for (const read of [
      () => storage.countTrials(other),
      () => storage.getTrialPage(other, { order: 'value', limit: 5 }),
      () => storage.getBestTrial(other, 'minimize'),
      () => storage.getTrialByNumber(other, 0),
    ]) {
      await expect(read()).rejects.toThrow(`No study with id ${other}`);
    }
    expect(await storage.countTrials(studyId)).toEqual(countByState(all));
  });
});

/**
 * Postgres keeps finished counts per writing server process (trial_state_counts, one row per pid); pools
 * close idle connections, so a slow study gathers rows. Counting folds them, exactly, while others write.
 */
describe('TypeOrmStorage(postgres) finished-trial counters', () => {
  let db: FreshDatabase;
  let storage: TypeOrmStorage;

  beforeAll(async () => {
    db = await freshPostgresDatabase();
    storage = (await openStorage(db.url)) as TypeOrmStorage;
  });
  afterAll(async () => {
    await storage.close();
    await db.drop();
  });

  const rowsOf = async (studyId: number) => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM trial_state_counts WHERE study_id = $1',
        [studyId],
      );
      return Number(rows[0].n);
    } finally {
      await client.end();
    }
  };

  /** Finishes each trial from a server process of its own, as after a pool closed its idle connections. */
  async function finishEachOnANewConnection(trials: readonly FrozenTrial[], state: TrialState) {
    for (const t of trials) {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('UPDATE trials SET state = $2 WHERE trial_id = $1', [t.trialId, state]);
      } finally {
        await client.end();
      }
    }
  }

  it('folds the rows of many server processes into one per state, and counts the same', async () => {
    const { studyId } = await storage.createStudy({ studyName: 'slow', directions: ['minimize'] });
    const trials = await storage.createTrials(
      studyId,
      Array.from({ length: 60 }, () => ({ state: 'WAITING' as const })),
    );
    await finishEachOnANewConnection(trials.slice(0, 30), 'COMPLETE');
    await finishEachOnANewConnection(trials.slice(30, 40), 'PRUNED');
    expect(await rowsOf(studyId)).toBe(40);
    const expected = { WAITING: 20, RUNNING: 0, COMPLETE: 30, PRUNED: 10, FAIL: 0 };
    expect(await storage.countTrials(studyId)).toEqual(expected);
    expect(await rowsOf(studyId)).toBe(2);
    expect(await storage.countTrials(studyId)).toEqual(expected);
  });

  it('counts exactly when writers finish trials while their rows are folded', async () => {
    const { studyId } = await storage.createStudy({ studyName: 'busy', directions: ['minimize'] });
    const trials = await storage.createTrials(
      studyId,
      Array.from({ length: 240 }, () => ({ state: 'WAITING' as const })),
    );
    // Four writers on connections they keep, each finishing its share in transactions that hold its row a
    // while, and one that finishes each trial on a new connection (a new row each time), while counts
    // fold the rows.
    const churned = trials.slice(0, 60);
    const kept = trials.slice(60);
    const writers = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const client = new Client({ connectionString: db.url });
        await client.connect();
        return client;
      }),
    );
    try {
      let writing = true;
      const finishing = Promise.all([
        finishEachOnANewConnection(churned, 'PRUNED'),
        ...writers.map(async (client, w) => {
          const mine = kept.filter((_, i) => i % 4 === w);
          for (let i = 0; i < mine.length; i += 5) {
            await client.query('BEGIN');
            for (const t of mine.slice(i, i + 5)) {
              await client.query('UPDATE trials SET state = $2 WHERE trial_id = $1', [
                t.trialId,
                t.number % 3 === 0 ? 'FAIL' : 'COMPLETE',
              ]);
            }
            await client.query('COMMIT');
          }
        }),
      ]).finally(() => (writing = false));
      while (writing) await storage.countTrials(studyId);
      await finishing;
    } finally {
      await Promise.all(writers.map((c) => c.end()));
    }
    const all = await storage.getAllTrials(studyId);
    expect(countByState(all)).toEqual({ WAITING: 0, RUNNING: 0, COMPLETE: 120, PRUNED: 60, FAIL: 60 });
    expect(await storage.countTrials(studyId)).toEqual(countByState(all));
    // 64 server processes wrote: the counts folded their rows.
    expect(await rowsOf(studyId)).toBeLessThanOrEqual(32);
  });

  it("counts each finish once: the storage's statements count their own, the trigger those of other sessions", async () => {
    const { studyId } = await storage.createStudy({ studyName: 'mixed', directions: ['minimize'] });
    const trials = await storage.createTrials(
      studyId,
      Array.from({ length: 40 }, () => ({ state: 'WAITING' as const })),
    );
    await Promise.all(trials.slice(0, 20).map((t) => storage.claimTrial(t.trialId, 'w', 1_000)));
    // Grouped finishes (one statement for the trials finished together), and lapsed leases ended FAIL.
    await Promise.all(
      trials
        .slice(0, 10)
        .map((t, i) =>
          storage.finishTrial(t.trialId, i % 2 ? 'PRUNED' : 'COMPLETE', i % 2 ? null : [i], 2_000),
        ),
    );
    const expired = await storage.expireLeases(studyId, 1_500, 3_000, 1, 'lapsed');
    expect(expired.failed.map((t) => t.number)).toEqual(trials.slice(10, 20).map((t) => t.number));
    // Sessions without the setting: a pooler in transaction mode (no startup options) and a plain client.
    const pooled = new DataSource(
      storageDataSourceOptions({ dialect: 'postgres', url: db.url, transactionPooling: true }),
    );
    await pooled.initialize();
    const viaPooler = new TypeOrmStorage(pooled, { transactionPooling: true });
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await Promise.all(
        trials.slice(20, 25).map(async (t) => {
          await viaPooler.claimTrial(t.trialId, 'w', 4_000);
          await viaPooler.finishTrial(t.trialId, 'COMPLETE', [t.number], 5_000);
        }),
      );
      await client.query(`UPDATE trials SET state = 'FAIL' WHERE trial_id = ANY($1)`, [
        trials.slice(25, 30).map((t) => t.trialId),
      ]);
      // The setting turns the trigger off for a session: its statements must count for themselves.
      await client.query(`SET ${STATEMENTS_COUNT_FINISHES} = on`);
      await client.query(`UPDATE trials SET state = 'COMPLETE' WHERE trial_id = $1`, [trials[30].trialId]);
    } finally {
      await client.end();
      await viaPooler.close();
      await pooled.destroy();
    }
    const all = await storage.getAllTrials(studyId);
    expect(countByState(all)).toEqual({ WAITING: 9, RUNNING: 0, COMPLETE: 11, PRUNED: 5, FAIL: 15 });
    expect(await storage.countTrials(studyId)).toEqual({ ...countByState(all), COMPLETE: 10 });
  });
});
