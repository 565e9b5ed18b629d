import { InMemoryStorage, type JsonObject } from '@tuneforge/core';
import { DEFINITION_ATTR, type StudyDefinition } from '@tuneforge/platform';
import type { PlatformTelemetry } from '../telemetry/platform-telemetry';
import { LeaseReconciler } from './lease-reconciler';

const LEASE_MS = 10_000;

function definition(retry?: StudyDefinition['retry']): StudyDefinition {
  return {
    name: 'leases',
    directions: ['minimize'],
    searchSpace: null,
    sampler: { type: 'random' },
    pruner: { type: 'none' },
    objective: { kind: 'builtin', name: 'branin' },
    budget: { nTrials: 10, maxParallel: 2, timeoutSec: null },
    seed: null,
    ...(retry ? { retry } : {}),
  };
}

async function setup(retry?: StudyDefinition['retry']) {
  let now = 1_000_000;
  const storage = new InMemoryStorage({ now: () => now });
  const { studyId } = await storage.createStudy({
    studyName: 'leases',
    directions: ['minimize'],
    systemAttrs: { [DEFINITION_ATTR]: definition(retry) as unknown as JsonObject },
  });
  const expired: Array<[number, number]> = [];
  const telemetry = {
    leasesExpired: async (_id: number, requeued: number, failed: number) =>
      void expired.push([requeued, failed]),
    trialFinished: async () => undefined,
  } as unknown as PlatformTelemetry;
  const reconciler = new LeaseReconciler(storage, LEASE_MS, 1, telemetry, () => now);
  const summary = async () => (await storage.listStudies()).find((s) => s.studyId === studyId)!;
  const claim = async () => {
    const t = await storage.createTrial(studyId, { state: 'WAITING' });
    await storage.claimTrial(t.trialId, 'w1', now);
    return t.trialId;
  };
  return {
    storage,
    reconciler,
    summary,
    claim,
    expired,
    now: () => now,
    advance: (ms: number) => (now += ms),
  };
}

describe('LeaseReconciler', () => {
  it('expires nothing until it has reached the database for a whole lease', async () => {
    const { storage, reconciler, summary, claim, advance } = await setup();
    const trialId = await claim();
    advance(LEASE_MS * 3);
    expect(await reconciler.reconcile(await summary())).toEqual({ requeued: 0, failed: 0 });
    reconciler.databaseReached(true);
    advance(LEASE_MS - 1);
    expect(await reconciler.reconcile(await summary())).toEqual({ requeued: 0, failed: 0 });
    // An outage starts the wait again.
    reconciler.databaseReached(false);
    reconciler.databaseReached(true);
    advance(LEASE_MS - 1);
    expect(await reconciler.reconcile(await summary())).toEqual({ requeued: 0, failed: 0 });
    advance(1);
    expect(await reconciler.reconcile(await summary())).toEqual({ requeued: 1, failed: 0 });
    expect((await storage.getTrial(trialId)).state).toBe('WAITING');
  });

  it('runs a lapsed trial again up to the platform default of retries, then fails it', async () => {
    const { storage, reconciler, summary, claim, expired, now, advance } = await setup();
    reconciler.databaseReached(true);
    const trialId = await claim();
    advance(LEASE_MS + 1);
    expect(await reconciler.reconcile(await summary())).toEqual({ requeued: 1, failed: 0 });
    await storage.claimTrial(trialId, 'w2', now());
    // A renewed lease is left alone.
    advance(LEASE_MS / 2);
    await storage.renewLeases('w2', [trialId], now());
    advance(LEASE_MS / 2 + 1);
    expect(await reconciler.reconcile(await summary())).toEqual({ requeued: 0, failed: 0 });
    advance(LEASE_MS);
    expect(await reconciler.reconcile(await summary())).toEqual({ requeued: 0, failed: 1 });
    const failed = await storage.getTrial(trialId);
    expect(failed.state).toBe('FAIL');
    expect(failed.systemAttrs.fail_reason).toMatch(/no retry left \(retry.maxRetries = 1\)/);
    expect(expired).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it("follows the study's own retry.maxRetries", async () => {
    const { storage, reconciler, summary, claim, advance } = await setup({
      maxRetries: 0,
      retryFailedTrials: 0,
    });
    reconciler.databaseReached(true);
    const trialId = await claim();
    advance(LEASE_MS + 1);
    expect(await reconciler.reconcile(await summary())).toEqual({ requeued: 0, failed: 1 });
    expect((await storage.getTrial(trialId)).state).toBe('FAIL');
  });
});
