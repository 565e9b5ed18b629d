/**
 * A process optimizing a stored study is killed with SIGKILL in the middle of its run; a new process
 * continues the study by name. No trial number may be lost or given twice: numbers stay 0..n-1, the
 * trial that was running when the process died stays behind RUNNING (a worker-less trial, which the
 * platform ends with failStaleTrials), and the new process's trials follow it.
 */
import type { Storage } from '@tuneforge/core';
import { openStorage } from '@tuneforge/storage';
import {
  freshPostgresDatabase,
  freshSqliteFile,
  type FreshDatabase,
} from '../libs/storage/src/testing/fresh-database';
import { killWorkers, startWorker } from './storage-processes';

jest.setTimeout(60_000);

describe.each([
  ['sqlite', freshSqliteFile],
  ['postgres', freshPostgresDatabase],
] as const)('%s: SIGKILL then resume', (_dialect, fresh) => {
  let db: FreshDatabase;
  let storage: Storage;
  beforeAll(async () => {
    db = await fresh();
  });
  afterAll(async () => {
    killWorkers();
    await storage?.close();
    await db.drop();
  });

  it('continues the study with no lost or duplicated trial number', async () => {
    const first = startWorker({ url: db.url, studyName: 'resumable', nTrials: 100_000, seed: 1, delayMs: 3 });
    const died = first.result.catch((e: Error) => e);
    await first.ready;
    storage = await openStorage(db.url);
    const studyId = await storage.getStudyIdByName('resumable');
    // Let it finish a few dozen trials, then kill it without warning.
    while ((await storage.getAllTrials(studyId, ['COMPLETE'])).length < 40)
      await new Promise((r) => setTimeout(r, 20));
    first.process.kill('SIGKILL');
    expect(String(await died)).toMatch(/exited with SIGKILL/);

    const before = await storage.getAllTrials(studyId);
    const n = before.length;
    expect(before.map((t) => t.number)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(before.filter((t) => t.state !== 'COMPLETE').length).toBeLessThanOrEqual(1);

    const second = startWorker({ url: db.url, studyName: 'resumable', nTrials: 25, seed: 2 });
    expect((await second.result).done).toBe(25);
    const after = await storage.getAllTrials(studyId);
    expect(after.map((t) => t.number)).toEqual(Array.from({ length: n + 25 }, (_, i) => i));
    expect(after.slice(0, n).map((t) => t.trialId)).toEqual(before.map((t) => t.trialId));
    expect(after.slice(n).every((t) => t.state === 'COMPLETE')).toBe(true);
  });
});
