/**
 * Four OS processes optimize one study at once through `createStudy({ loadIfExists })`, on Postgres
 * and on a SQLite file, starting from a database nobody has opened yet (so they also race on the
 * migrations and on creating the study) and each enqueuing fixed trials that any of them may claim.
 * 1000 trials must come out numbered 0..999 exactly once, all COMPLETE, with every enqueued trial run
 * exactly once.
 */
import { FIXED_PARAMS_ATTR, type Storage } from '@tuneforge/core';
import { openStorage } from '@tuneforge/storage';
import {
  freshPostgresDatabase,
  freshSqliteFile,
  type FreshDatabase,
} from '../libs/storage/src/testing/fresh-database';
import { killWorkers, startWorker } from './storage-processes';

jest.setTimeout(90_000);

const PROCESSES = 4;
const TRIALS_EACH = 250;
const ENQUEUED_EACH = 5;

describe.each([
  ['postgres', freshPostgresDatabase],
  ['sqlite', freshSqliteFile],
] as const)('%s: 4 processes x 250 trials on one study', (_dialect, fresh) => {
  let db: FreshDatabase;
  let storage: Storage | null = null;
  beforeAll(async () => {
    db = await fresh();
  });
  afterAll(async () => {
    killWorkers();
    await storage?.close();
    await db.drop();
  });

  it('numbers 1000 trials 0..999 once each, loses none, runs every enqueued trial once', async () => {
    const enqueued = (w: number) => Array.from({ length: ENQUEUED_EACH }, (_, k) => -9 + w + k / 10);
    const workers = Array.from({ length: PROCESSES }, (_, w) =>
      startWorker({
        url: db.url,
        studyName: 'shared',
        nTrials: TRIALS_EACH,
        seed: w,
        enqueue: enqueued(w),
        waitForGo: true,
      }),
    );
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const results = await Promise.all(workers.map((w) => w.result));
    expect(results.map((r) => r.done)).toEqual(Array(PROCESSES).fill(TRIALS_EACH));

    storage = await openStorage(db.url);
    const studies = await storage.listStudies();
    expect(studies.map((s) => s.studyName)).toEqual(['shared']);
    const trials = await storage.getAllTrials(studies[0].studyId);
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: PROCESSES * TRIALS_EACH }, (_, i) => i));
    expect(new Set(trials.map((t) => t.trialId)).size).toBe(trials.length);
    expect(trials.filter((t) => t.state !== 'COMPLETE')).toEqual([]);
    for (const t of trials) expect(t.values).toEqual([((t.params.x as number) - 2) ** 2]);

    const fixed = trials.filter((t) => t.systemAttrs[FIXED_PARAMS_ATTR] !== undefined);
    const wanted = Array.from({ length: PROCESSES }, (_, w) => enqueued(w)).flat();
    expect(fixed.map((t) => t.params.x).sort()).toEqual([...wanted].sort());
  });
});
