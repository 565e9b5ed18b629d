/**
 * The conformance suite of the Storage port: one behaviour, whatever the storage. Run it from a
 * spec of each implementation (not exported from the core's index; import it by path):
 *
 *   describeStorageContract('InMemoryStorage', () => new InMemoryStorage());
 *   describeStorageContract('TypeOrmStorage(postgres)', () => openStorage(freshUrl));
 *
 * `factory` is called before every test and must return an EMPTY storage (no study); the suite
 * closes it after the test. Uses Jest's globals only, so the core stays free of I/O.
 */
import {
  DuplicateStudyError,
  InvalidArgumentError,
  StudyNotFoundError,
  TrialAlreadyFinishedError,
  TrialNotFoundError,
} from '../errors';
import {
  categoricalDistribution,
  floatDistribution,
  intDistribution,
  toInternal,
  type Distribution,
} from '../distributions';
import type { JsonObject } from '../json';
import { RandomSampler } from '../samplers/random/random-sampler';
import type { Storage } from '../storage/storage';
import { createStudy } from '../study/study';
import { TrialHistory } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import { TRIAL_STATES, type TrialState } from '../trial/trial-state';

export type StorageFactory = () => Storage | Promise<Storage>;

/** Every kind of distribution, with a value inside each, for round trips. */
const DISTRIBUTIONS: Record<string, { d: Distribution; value: number | string | boolean | null }> = {
  f: { d: floatDistribution(-5, 5), value: 1.25 },
  flog: { d: floatDistribution(1e-5, 1e-1, { log: true }), value: 0.00123 },
  fstep: { d: floatDistribution(0, 1, { step: 0.25 }), value: 0.75 },
  i: { d: intDistribution(-3, 9), value: 4 },
  ilog: { d: intDistribution(8, 1024, { log: true }), value: 64 },
  istep: { d: intDistribution(0, 100, { step: 10 }), value: 30 },
  cstr: { d: categoricalDistribution(['adam', 'sgd']), value: 'sgd' },
  cmix: { d: categoricalDistribution(['a', 1, true, null, 2.5]), value: null },
  cbool: { d: categoricalDistribution([false, true]), value: true },
};

/** Attribute values that must survive a round trip: nesting, unicode, large and small numbers. */
const ATTRS: JsonObject = {
  text: 'héllo "quoted" \\ back ✓',
  int: 42,
  negative: -7.5,
  tiny: 5e-324,
  huge: 1e300,
  decimal: 0.1,
  flag: false,
  nothing: null,
  list: [1, 'two', [3], { four: 4 }],
  nested: { a: { b: { c: [true, null] } }, empty: {}, none: [] },
};

const sortedNumbers = (trials: readonly FrozenTrial[]) => trials.map((t) => t.number).sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function describeStorageContract(name: string, factory: StorageFactory): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await factory();
    });

    afterEach(async () => {
      await storage.close();
    });

    const newStudy = async (studyName = 'study', directions: Array<'minimize' | 'maximize'> = ['minimize']) =>
      (await storage.createStudy({ studyName, directions })).studyId;

    describe('studies', () => {
      it('creates a study and reads it back by id and by name', async () => {
        const created = await storage.createStudy({
          studyName: 'first',
          directions: ['minimize', 'maximize'],
          userAttrs: { owner: 'me' },
          systemAttrs: { sampler: { name: 'tpe' } },
        });
        expect(created).toMatchObject({
          studyName: 'first',
          directions: ['minimize', 'maximize'],
          userAttrs: { owner: 'me' },
          systemAttrs: { sampler: { name: 'tpe' } },
        });
        expect(typeof created.createdAt).toBe('number');
        expect(await storage.getStudy(created.studyId)).toEqual(created);
        expect(await storage.getStudyIdByName('first')).toBe(created.studyId);
      });

      it('refuses a duplicate name and changes nothing', async () => {
        const id = await newStudy('twice');
        await expect(
          storage.createStudy({ studyName: 'twice', directions: ['maximize'] }),
        ).rejects.toBeInstanceOf(DuplicateStudyError);
        expect((await storage.listStudies()).map((s) => s.studyId)).toEqual([id]);
        expect((await storage.getStudy(id)).directions).toEqual(['minimize']);
      });

      it('reports unknown studies with StudyNotFoundError', async () => {
        const known = await newStudy();
        const missing = known + 1000;
        await expect(storage.getStudy(missing)).rejects.toBeInstanceOf(StudyNotFoundError);
        await expect(storage.getStudyIdByName('nope')).rejects.toBeInstanceOf(StudyNotFoundError);
        await expect(storage.deleteStudy(missing)).rejects.toBeInstanceOf(StudyNotFoundError);
        await expect(storage.setStudyUserAttr(missing, 'k', 1)).rejects.toBeInstanceOf(StudyNotFoundError);
        await expect(storage.setStudySystemAttr(missing, 'k', 1)).rejects.toBeInstanceOf(StudyNotFoundError);
        await expect(storage.createTrial(missing)).rejects.toBeInstanceOf(StudyNotFoundError);
        await expect(storage.claimWaitingTrial(missing, 1)).rejects.toBeInstanceOf(StudyNotFoundError);
        await expect(storage.getAllTrials(missing)).rejects.toBeInstanceOf(StudyNotFoundError);
        await expect(storage.getTrialsChangedSince(missing, 0)).rejects.toBeInstanceOf(StudyNotFoundError);
      });

      it('round-trips study attributes as JSON and overwrites by key', async () => {
        const id = await newStudy();
        for (const [key, value] of Object.entries(ATTRS)) {
          await storage.setStudyUserAttr(id, key, value);
          await storage.setStudySystemAttr(id, `sys_${key}`, value);
        }
        await storage.setStudyUserAttr(id, 'int', 43);
        const study = await storage.getStudy(id);
        expect(study.userAttrs).toEqual({ ...ATTRS, int: 43 });
        expect(study.systemAttrs).toEqual(
          Object.fromEntries(Object.entries(ATTRS).map(([k, v]) => [`sys_${k}`, v])),
        );
      });

      it('lists studies with their trial counts by state', async () => {
        const a = await newStudy('a');
        const b = await newStudy('b', ['maximize']);
        const empty = await newStudy('empty');
        await storage.createTrial(a);
        await storage.createTrial(a, { state: 'WAITING' });
        await storage.createTrial(a, { state: 'COMPLETE', values: [1] });
        await storage.createTrial(a, { state: 'COMPLETE', values: [2] });
        await storage.createTrial(b, { state: 'PRUNED' });
        await storage.createTrial(b, { state: 'FAIL' });
        const zero = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0]));
        const list = await storage.listStudies();
        expect(list.map((s) => s.studyName).sort()).toEqual(['a', 'b', 'empty']);
        const byId = new Map(list.map((s) => [s.studyId, s]));
        expect(byId.get(a)!.trialCounts).toEqual({ ...zero, RUNNING: 1, WAITING: 1, COMPLETE: 2 });
        expect(byId.get(b)!.trialCounts).toEqual({ ...zero, PRUNED: 1, FAIL: 1 });
        expect(byId.get(b)!.directions).toEqual(['maximize']);
        expect(byId.get(empty)!.trialCounts).toEqual(zero);
      });

      it('deletes a study with all its trials, and only that study', async () => {
        const doomed = await newStudy('doomed');
        const kept = await newStudy('kept');
        const t = await storage.createTrial(doomed, {
          state: 'COMPLETE',
          values: [1],
          params: { f: 1.25 },
          distributions: { f: DISTRIBUTIONS.f.d },
          intermediateValues: { 0: 3 },
        });
        const other = await storage.createTrial(kept);
        await storage.deleteStudy(doomed);
        await expect(storage.getStudy(doomed)).rejects.toBeInstanceOf(StudyNotFoundError);
        await expect(storage.getTrial(t.trialId)).rejects.toBeInstanceOf(TrialNotFoundError);
        await expect(storage.getAllTrials(doomed)).rejects.toBeInstanceOf(StudyNotFoundError);
        expect((await storage.getTrial(other.trialId)).number).toBe(0);
        expect((await storage.listStudies()).map((s) => s.studyName)).toEqual(['kept']);
        const again = await newStudy('doomed');
        expect((await storage.createTrial(again)).number).toBe(0);
      });
    });

    describe('trial numbers', () => {
      it('numbers trials 0..n-1 per study, in creation order', async () => {
        const a = await newStudy('a');
        const b = await newStudy('b');
        const numbers: Array<[string, number]> = [];
        for (const study of [a, b, a, a, b, a]) {
          numbers.push([study === a ? 'a' : 'b', (await storage.createTrial(study)).number]);
        }
        expect(numbers).toEqual([
          ['a', 0],
          ['b', 0],
          ['a', 1],
          ['a', 2],
          ['b', 1],
          ['a', 3],
        ]);
      });

      it('allocates each number once under concurrent creators', async () => {
        const a = await newStudy('a');
        const b = await newStudy('b');
        const created = await Promise.all(range(60).map((i) => storage.createTrial(i % 3 === 0 ? b : a)));
        expect(sortedNumbers(created.filter((_, i) => i % 3 !== 0))).toEqual(range(40));
        expect(sortedNumbers(created.filter((_, i) => i % 3 === 0))).toEqual(range(20));
        expect(new Set(created.map((t) => t.trialId)).size).toBe(60);
        expect(sortedNumbers(await storage.getAllTrials(a))).toEqual(range(40));
      });
    });

    describe('creating trials', () => {
      it('creates a RUNNING trial with a start time and nothing else by default', async () => {
        const id = await newStudy();
        const t = await storage.createTrial(id);
        expect(t).toMatchObject({
          number: 0,
          state: 'RUNNING',
          values: null,
          params: {},
          distributions: {},
          intermediateValues: {},
          userAttrs: {},
          systemAttrs: {},
          datetimeComplete: null,
        });
        expect(typeof t.datetimeStart).toBe('number');
        expect(await storage.getTrial(t.trialId)).toEqual(t);
      });

      it('creates a whole finished trial from a template, read back identically', async () => {
        const id = await newStudy('mo', ['minimize', 'maximize']);
        const params = Object.fromEntries(Object.entries(DISTRIBUTIONS).map(([k, { value }]) => [k, value]));
        const distributions = Object.fromEntries(Object.entries(DISTRIBUTIONS).map(([k, { d }]) => [k, d]));
        const t = await storage.createTrial(id, {
          state: 'COMPLETE',
          values: [0.5, -2],
          params,
          distributions,
          intermediateValues: { 0: 3, 1: 2.5, 10: -1 },
          userAttrs: { note: 'imported' },
          systemAttrs: ATTRS,
          datetimeStart: 1_000,
          datetimeComplete: 2_500,
        });
        const expected = {
          trialId: t.trialId,
          number: 0,
          state: 'COMPLETE',
          values: [0.5, -2],
          params,
          distributions,
          intermediateValues: { 0: 3, 1: 2.5, 10: -1 },
          userAttrs: { note: 'imported' },
          systemAttrs: ATTRS,
          datetimeStart: 1_000,
          datetimeComplete: 2_500,
        };
        expect(t).toEqual(expected);
        expect(await storage.getTrial(t.trialId)).toEqual(expected);
        expect(Object.keys((await storage.getTrial(t.trialId)).params)).toEqual(Object.keys(DISTRIBUTIONS));
      });

      it('round-trips non-finite objective and intermediate values', async () => {
        const id = await newStudy('inf', ['minimize', 'maximize', 'minimize']);
        const t = await storage.createTrial(id, {
          state: 'COMPLETE',
          values: [Infinity, -Infinity, NaN],
          intermediateValues: { 0: NaN, 1: Infinity, 2: -Infinity },
        });
        const read = await storage.getTrial(t.trialId);
        expect(read.values).toEqual([Infinity, -Infinity, NaN]);
        expect(read.intermediateValues).toEqual({ 0: NaN, 1: Infinity, 2: -Infinity });
      });

      it('refuses parameters without a distribution', async () => {
        const id = await newStudy();
        await expect(storage.createTrial(id, { params: { x: 1 } })).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
        expect(await storage.getAllTrials(id)).toEqual([]);
      });

      it('creates WAITING trials without a start time', async () => {
        const id = await newStudy();
        const t = await storage.createTrial(id, {
          state: 'WAITING',
          systemAttrs: { fixed_params: { x: 1 } },
        });
        expect(t).toMatchObject({
          state: 'WAITING',
          datetimeStart: null,
          systemAttrs: { fixed_params: { x: 1 } },
        });
      });
    });

    describe('claiming WAITING trials', () => {
      it('claims the oldest WAITING trial, sets it RUNNING with the start time, then the next, then none', async () => {
        const id = await newStudy();
        await storage.createTrial(id);
        const w1 = await storage.createTrial(id, { state: 'WAITING', userAttrs: { n: 1 } });
        const w2 = await storage.createTrial(id, { state: 'WAITING', userAttrs: { n: 2 } });
        const first = await storage.claimWaitingTrial(id, 5_000);
        expect(first).toMatchObject({
          trialId: w1.trialId,
          number: 1,
          state: 'RUNNING',
          datetimeStart: 5_000,
        });
        expect(first!.userAttrs).toEqual({ n: 1 });
        expect((await storage.getTrial(w1.trialId)).state).toBe('RUNNING');
        expect((await storage.claimWaitingTrial(id, 6_000))!.trialId).toBe(w2.trialId);
        expect(await storage.claimWaitingTrial(id, 7_000)).toBeNull();
      });

      it('hands each WAITING trial to exactly one of many concurrent claimers', async () => {
        const id = await newStudy();
        const other = await newStudy('other');
        await storage.createTrial(other, { state: 'WAITING' });
        for (let i = 0; i < 10; i++) await storage.createTrial(id, { state: 'WAITING' });
        const claims = await Promise.all(range(30).map((i) => storage.claimWaitingTrial(id, 1_000 + i)));
        const won = claims.filter((c): c is FrozenTrial => c !== null);
        expect(sortedNumbers(won)).toEqual(range(10));
        expect(claims.filter((c) => c === null)).toHaveLength(20);
        expect((await storage.getAllTrials(id, ['RUNNING'])).length).toBe(10);
        expect((await storage.getAllTrials(other, ['WAITING'])).length).toBe(1);
      });

      it('claims one given WAITING trial for a worker, once', async () => {
        const id = await newStudy();
        const w = await storage.createTrial(id, {
          state: 'WAITING',
          params: { f: 1.25 },
          distributions: { f: DISTRIBUTIONS.f.d },
        });
        const claimed = await storage.claimTrial(w.trialId, 'worker-1', 9_000);
        expect(claimed).toMatchObject({
          trialId: w.trialId,
          state: 'RUNNING',
          datetimeStart: 9_000,
          params: { f: 1.25 },
          systemAttrs: { 'platform:worker': 'worker-1', 'platform:attempt': 1 },
        });
        await expect(storage.claimTrial(w.trialId, 'worker-2', 9_001)).rejects.toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
        await storage.finishTrial(w.trialId, 'COMPLETE', [1], 9_500);
        await expect(storage.claimTrial(w.trialId, 'worker-2', 9_600)).rejects.toThrow(
          /COMPLETE, not WAITING/,
        );
        await expect(storage.claimTrial(w.trialId + 1000, 'worker-2', 1)).rejects.toBeInstanceOf(
          TrialNotFoundError,
        );
      });

      it('renews the leases of the trials still RUNNING for the worker, and only those', async () => {
        const id = await newStudy();
        const [mine, theirs, ended] = await storage.createTrials(id, [
          { state: 'WAITING' },
          { state: 'WAITING' },
          { state: 'WAITING' },
        ]);
        await storage.claimTrial(mine.trialId, 'worker-1', 1_000);
        await storage.claimTrial(theirs.trialId, 'worker-2', 1_000);
        await storage.claimTrial(ended.trialId, 'worker-1', 1_000);
        await storage.finishTrial(ended.trialId, 'COMPLETE', [1], 1_500);
        const ids = [mine.trialId, theirs.trialId, ended.trialId, mine.trialId + 1000];
        expect(await storage.renewLeases('worker-1', ids, 2_000)).toEqual([mine.trialId]);
        expect(await storage.renewLeases('worker-1', [], 2_000)).toEqual([]);
        // worker-1's renewal kept its trial; worker-2's lease is still the claim's.
        const expired = await storage.expireLeases(id, 1_500, 3_000, 5, 'lapsed');
        expect(expired.requeued.map((t) => t.trialId)).toEqual([theirs.trialId]);
        expect((await storage.getTrial(mine.trialId)).state).toBe('RUNNING');
      });

      it('sends trials whose lease lapsed back to WAITING while attempts are left, then ends them FAIL', async () => {
        const id = await newStudy();
        const [lapsed, renewed] = await storage.createTrials(id, [
          { state: 'WAITING', params: { f: 1.25 }, distributions: { f: DISTRIBUTIONS.f.d } },
          { state: 'WAITING' },
        ]);
        const unleased = await storage.createTrial(id);
        await storage.claimTrial(lapsed.trialId, 'worker-1', 1_000);
        await storage.setTrialIntermediateValue(lapsed.trialId, 0, 0.5);
        await storage.claimTrial(renewed.trialId, 'worker-2', 1_000);
        await storage.renewLeases('worker-2', [renewed.trialId], 5_000);
        const { cursor } = await storage.getTrialsChangedSince(id, 0);

        // Many schedulers reconciling at once change each trial once.
        const runs = await Promise.all(range(5).map(() => storage.expireLeases(id, 3_000, 6_000, 2, 'gone')));
        expect(runs.flatMap((r) => r.requeued).map((t) => t.trialId)).toEqual([lapsed.trialId]);
        expect(runs.flatMap((r) => r.failed)).toEqual([]);
        const waiting = await storage.getTrial(lapsed.trialId);
        expect(waiting).toMatchObject({
          state: 'WAITING',
          datetimeStart: null,
          params: { f: 1.25 },
          intermediateValues: {},
          systemAttrs: { 'platform:attempt': 1 },
        });
        expect(waiting.systemAttrs['platform:worker']).toBeUndefined();
        expect((await storage.getTrial(renewed.trialId)).state).toBe('RUNNING');
        expect((await storage.getTrial(unleased.trialId)).state).toBe('RUNNING');
        expect((await storage.getTrialsChangedSince(id, cursor)).trials.map((t) => t.trialId)).toEqual([
          lapsed.trialId,
        ]);

        // Claimed again: the second attempt, with its own worker and start; then no attempt is left.
        expect(await storage.claimTrial(lapsed.trialId, 'worker-3', 7_000)).toMatchObject({
          state: 'RUNNING',
          datetimeStart: 7_000,
          systemAttrs: { 'platform:worker': 'worker-3', 'platform:attempt': 2 },
        });
        const last = await storage.expireLeases(id, 8_000, 9_000, 2, 'its worker stopped twice');
        expect(last.requeued.map((t) => t.trialId)).toEqual([renewed.trialId]);
        expect(last.failed).toHaveLength(1);
        expect(last.failed[0]).toMatchObject({
          trialId: lapsed.trialId,
          state: 'FAIL',
          datetimeComplete: 9_000,
          // An ended trial still names the worker of its last attempt.
          systemAttrs: {
            fail_reason: 'its worker stopped twice',
            'platform:worker': 'worker-3',
            'platform:attempt': 2,
          },
        });
        expect(await storage.expireLeases(id, 8_000, 9_500, 2, 'x')).toEqual({ requeued: [], failed: [] });
      });

      it('requeues a RUNNING trial for its own worker only, keeping its parameters', async () => {
        const id = await newStudy();
        const w = await storage.createTrial(id, {
          state: 'WAITING',
          params: { f: 1.25 },
          distributions: { f: DISTRIBUTIONS.f.d },
        });
        await storage.claimTrial(w.trialId, 'worker-1', 1_000);
        await storage.setTrialIntermediateValue(w.trialId, 3, 0.5);
        await expect(storage.requeueTrial(w.trialId, 'worker-2')).rejects.toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
        const requeued = await storage.requeueTrial(w.trialId, 'worker-1', {
          'platform:last-failure': 'boom',
        });
        expect(requeued).toMatchObject({
          state: 'WAITING',
          datetimeStart: null,
          params: { f: 1.25 },
          intermediateValues: {},
          systemAttrs: { 'platform:last-failure': 'boom', 'platform:attempt': 1 },
        });
        await expect(storage.requeueTrial(w.trialId, 'worker-1')).rejects.toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
        await expect(storage.requeueTrial(w.trialId + 1000, 'worker-1')).rejects.toBeInstanceOf(
          TrialNotFoundError,
        );
        expect(await storage.claimTrial(w.trialId, 'worker-2', 2_000)).toMatchObject({
          systemAttrs: { 'platform:worker': 'worker-2', 'platform:attempt': 2 },
        });
      });

      it('lets exactly one of many concurrent workers claim a given trial', async () => {
        const id = await newStudy();
        const w = await storage.createTrial(id, { state: 'WAITING' });
        const results = await Promise.allSettled(
          range(12).map((i) => storage.claimTrial(w.trialId, `w${i}`, 100 + i)),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        for (const r of lost) expect(r.reason).toBeInstanceOf(TrialAlreadyFinishedError);
        expect((await storage.getTrial(w.trialId)).state).toBe('RUNNING');
      });

      it('shows the lease as system attributes in every read, also after the trial ends', async () => {
        const id = await newStudy();
        const [leased, plain] = await storage.createTrials(id, [{ state: 'WAITING' }, { state: 'WAITING' }]);
        expect(leased.systemAttrs).toEqual({});
        const { cursor } = await storage.getTrialsChangedSince(id, 0);
        await storage.claimTrial(leased.trialId, 'worker-1', 1_000);
        await storage.setTrialSystemAttr(leased.trialId, 'own', 1);
        await storage.claimWaitingTrial(id, 1_000);
        const lease = { own: 1, 'platform:worker': 'worker-1', 'platform:attempt': 1 };
        const shown = (trials: readonly FrozenTrial[]) =>
          trials.map((t) => [t.trialId, { ...t.systemAttrs }] as const);
        const expected = [
          [leased.trialId, lease],
          [plain.trialId, {}],
        ];
        expect({ ...(await storage.getTrial(leased.trialId)).systemAttrs }).toEqual(lease);
        expect(shown(await storage.getAllTrials(id))).toEqual(expected);
        expect(shown(await storage.getAllTrials(id, ['RUNNING']))).toEqual(expected);
        expect(shown((await storage.getTrialsChangedSince(id, 0)).trials)).toEqual(expected);
        expect(shown((await storage.getTrialsChangedSince(id, cursor)).trials)).toEqual(expected);
        const finished = await storage.finishTrial(leased.trialId, 'COMPLETE', [1], 2_000);
        expect(finished.systemAttrs).toEqual(lease);
        expect((await storage.getTrial(leased.trialId)).systemAttrs).toEqual(lease);
      });

      it('ignores writes of the lease attributes: a trial always shows its own lease', async () => {
        const id = await newStudy();
        const lease = { 'platform:worker': 'impostor', 'platform:attempt': 99 };
        const [w] = await storage.createTrials(id, [
          { state: 'WAITING', systemAttrs: { ...lease, kept: 1 } },
        ]);
        expect(w.systemAttrs).toEqual({ kept: 1 });
        expect((await storage.getTrial(w.trialId)).systemAttrs).toEqual({ kept: 1 });
        await storage.claimTrial(w.trialId, 'worker-1', 1_000);
        await storage.setTrialSystemAttr(w.trialId, 'platform:attempt', 99);
        await storage.setTrialSystemAttr(w.trialId, 'platform:worker', 'impostor');
        const own = { kept: 1, 'platform:worker': 'worker-1', 'platform:attempt': 1 };
        expect((await storage.getTrial(w.trialId)).systemAttrs).toEqual(own);
        // The lease is the storage's: the impostor cannot renew it, the claimer can.
        expect(await storage.renewLeases('impostor', [w.trialId], 2_000)).toEqual([]);
        expect(await storage.renewLeases('worker-1', [w.trialId], 2_000)).toEqual([w.trialId]);
        const requeued = await storage.requeueTrial(w.trialId, 'worker-1', { ...lease, why: 'boom' });
        expect(requeued.systemAttrs).toEqual({ kept: 1, why: 'boom', 'platform:attempt': 1 });
        expect((await storage.claimTrial(w.trialId, 'worker-2', 3_000)).systemAttrs).toEqual({
          kept: 1,
          why: 'boom',
          'platform:worker': 'worker-2',
          'platform:attempt': 2,
        });
        await storage.finishTrial(w.trialId, 'COMPLETE', [1], 4_000);
        // Ignored, but a finished trial still refuses the write like any other.
        await expect(storage.setTrialSystemAttr(w.trialId, 'platform:attempt', 3)).rejects.toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
      });
    });

    describe('writing to a running trial', () => {
      it('stores parameters by internal value, in suggestion order, for every kind of distribution', async () => {
        const id = await newStudy();
        const t = await storage.createTrial(id);
        const names = Object.keys(DISTRIBUTIONS).reverse();
        for (const name of names) {
          const { d, value } = DISTRIBUTIONS[name];
          await storage.setTrialParam(t.trialId, name, toInternal(d, value), d);
        }
        const read = await storage.getTrial(t.trialId);
        expect(Object.keys(read.params)).toEqual(names);
        for (const name of names) {
          expect(read.params[name]).toEqual(DISTRIBUTIONS[name].value);
          expect(read.distributions[name]).toEqual(DISTRIBUTIONS[name].d);
        }
      });

      it('refuses a parameter value outside its distribution', async () => {
        const id = await newStudy();
        const t = await storage.createTrial(id);
        await expect(
          storage.setTrialParam(t.trialId, 'x', 11, floatDistribution(0, 10)),
        ).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(
          storage.setTrialParam(t.trialId, 'c', 2, categoricalDistribution(['a', 'b'])),
        ).rejects.toBeInstanceOf(InvalidArgumentError);
        expect((await storage.getTrial(t.trialId)).params).toEqual({});
      });

      it('upserts intermediate values by step', async () => {
        const id = await newStudy();
        const t = await storage.createTrial(id);
        await storage.setTrialIntermediateValue(t.trialId, 0, 1.5);
        await storage.setTrialIntermediateValue(t.trialId, 3, 0.75);
        await storage.setTrialIntermediateValue(t.trialId, 0, 1.25);
        await storage.setTrialIntermediateValue(t.trialId, 1, NaN);
        expect((await storage.getTrial(t.trialId)).intermediateValues).toEqual({ 0: 1.25, 1: NaN, 3: 0.75 });
      });

      it('round-trips trial attributes as JSON and overwrites by key', async () => {
        const id = await newStudy();
        const t = await storage.createTrial(id, { userAttrs: { keep: 1 } });
        for (const [key, value] of Object.entries(ATTRS)) {
          await storage.setTrialUserAttr(t.trialId, key, value);
          await storage.setTrialSystemAttr(t.trialId, key, value);
        }
        await storage.setTrialUserAttr(t.trialId, 'flag', true);
        const read = await storage.getTrial(t.trialId);
        expect(read.userAttrs).toEqual({ keep: 1, ...ATTRS, flag: true });
        expect(read.systemAttrs).toEqual(ATTRS);
      });

      it('reports unknown trials with TrialNotFoundError', async () => {
        const id = await newStudy();
        const missing = (await storage.createTrial(id)).trialId + 1000;
        const d = floatDistribution(0, 1);
        await expect(storage.getTrial(missing)).rejects.toBeInstanceOf(TrialNotFoundError);
        await expect(storage.setTrialParam(missing, 'x', 0.5, d)).rejects.toBeInstanceOf(TrialNotFoundError);
        await expect(storage.setTrialIntermediateValue(missing, 0, 1)).rejects.toBeInstanceOf(
          TrialNotFoundError,
        );
        await expect(storage.setTrialUserAttr(missing, 'k', 1)).rejects.toBeInstanceOf(TrialNotFoundError);
        await expect(storage.setTrialSystemAttr(missing, 'k', 1)).rejects.toBeInstanceOf(TrialNotFoundError);
        await expect(storage.finishTrial(missing, 'COMPLETE', [1], 1)).rejects.toBeInstanceOf(
          TrialNotFoundError,
        );
      });
    });

    describe('finishing', () => {
      it('finishes a RUNNING trial with its values and end time, and returns it whole', async () => {
        const id = await newStudy();
        const t = await storage.createTrial(id, { datetimeStart: 1_000 });
        await storage.setTrialParam(t.trialId, 'f', 1.25, DISTRIBUTIONS.f.d);
        await storage.setTrialIntermediateValue(t.trialId, 2, 0.5);
        const done = await storage.finishTrial(t.trialId, 'COMPLETE', [0.25], 3_000);
        expect(done).toEqual({
          ...t,
          state: 'COMPLETE',
          values: [0.25],
          params: { f: 1.25 },
          distributions: { f: DISTRIBUTIONS.f.d },
          intermediateValues: { 2: 0.5 },
          datetimeStart: 1_000,
          datetimeComplete: 3_000,
        });
        expect(await storage.getTrial(t.trialId)).toEqual(done);
      });

      it('finishes PRUNED and FAIL, with or without values', async () => {
        const id = await newStudy();
        const pruned = await storage.finishTrial(
          (await storage.createTrial(id)).trialId,
          'PRUNED',
          [0.5],
          10,
        );
        const failed = await storage.finishTrial((await storage.createTrial(id)).trialId, 'FAIL', null, 11);
        expect(pruned).toMatchObject({ state: 'PRUNED', values: [0.5], datetimeComplete: 10 });
        expect(failed).toMatchObject({ state: 'FAIL', values: null, datetimeComplete: 11 });
      });

      it('refuses a second finish and keeps the first result', async () => {
        const id = await newStudy();
        const t = await storage.createTrial(id);
        const first = await storage.finishTrial(t.trialId, 'COMPLETE', [1], 100);
        await expect(storage.finishTrial(t.trialId, 'FAIL', null, 200)).rejects.toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
        await expect(storage.finishTrial(t.trialId, 'COMPLETE', [2], 300)).rejects.toThrow(
          /COMPLETE, not RUNNING/,
        );
        expect(await storage.getTrial(t.trialId)).toEqual(first);
      });

      it('lets exactly one of many concurrent finishers win', async () => {
        const id = await newStudy();
        const t = await storage.createTrial(id);
        const results = await Promise.allSettled(
          range(12).map((i) => storage.finishTrial(t.trialId, 'COMPLETE', [i], 1_000 + i)),
        );
        const won = results.filter((r): r is PromiseFulfilledResult<FrozenTrial> => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(11);
        for (const r of lost) expect(r.reason).toBeInstanceOf(TrialAlreadyFinishedError);
        expect((await storage.getTrial(t.trialId)).values).toEqual(won[0].value.values);
      });

      it('claims and finishes many trials at once, each on its own condition', async () => {
        // A busy worker: its claims and finishes arrive together (a storage may send them as one).
        const id = await newStudy();
        const trials = await storage.createTrials(
          id,
          range(40).map(() => ({ state: 'WAITING' as const })),
        );
        const taken = trials.filter((_, i) => i % 10 === 3);
        for (const t of taken) await storage.claimTrial(t.trialId, 'other', 50);
        const claims = await Promise.allSettled(
          trials.map((t, i) => storage.claimTrial(t.trialId, `w${i}`, 100 + i)),
        );
        claims.forEach((r, i) => {
          if (i % 10 === 3) {
            expect(r.status).toBe('rejected');
            expect((r as PromiseRejectedResult).reason).toBeInstanceOf(TrialAlreadyFinishedError);
          } else {
            expect(r).toMatchObject({
              status: 'fulfilled',
              value: {
                trialId: trials[i].trialId,
                state: 'RUNNING',
                systemAttrs: { 'platform:worker': `w${i}` },
              },
            });
          }
        });
        await storage.finishTrial(taken[0].trialId, 'FAIL', null, 150);
        const finishes = await Promise.allSettled(
          trials.map((t, i) =>
            storage.finishTrial(t.trialId, i % 2 ? 'COMPLETE' : 'PRUNED', i % 2 ? [i] : null, 200 + i),
          ),
        );
        // Only the trial finished before: its finish is refused, the others are not.
        const refused = finishes.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
        expect(refused).toEqual([trials.indexOf(taken[0])]);
        expect((finishes[refused[0]] as PromiseRejectedResult).reason).toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
        const stored = await storage.getAllTrials(id);
        stored.forEach((t, i) => {
          if (t.trialId === taken[0].trialId) {
            expect(t).toMatchObject({ state: 'FAIL', values: null, datetimeComplete: 150 });
          } else {
            expect(t).toMatchObject({
              state: i % 2 ? 'COMPLETE' : 'PRUNED',
              values: i % 2 ? [i] : null,
              datetimeComplete: 200 + i,
            });
          }
        });
      });

      it('refuses every write to a finished trial and changes nothing', async () => {
        const id = await newStudy();
        const t = await storage.createTrial(id);
        await storage.setTrialParam(t.trialId, 'f', 1.25, DISTRIBUTIONS.f.d);
        const done = await storage.finishTrial(t.trialId, 'COMPLETE', [1], 100);
        const d = DISTRIBUTIONS.f.d;
        await expect(storage.setTrialParam(t.trialId, 'f', 2, d)).rejects.toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
        await expect(storage.setTrialParam(t.trialId, 'g', 2, d)).rejects.toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
        await expect(storage.setTrialIntermediateValue(t.trialId, 0, 1)).rejects.toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
        await expect(storage.setTrialUserAttr(t.trialId, 'k', 1)).rejects.toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
        await expect(storage.setTrialSystemAttr(t.trialId, 'k', 1)).rejects.toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
        expect(await storage.getTrial(t.trialId)).toEqual(done);
      });

      it('refuses writes and finishing while a trial is still WAITING', async () => {
        const id = await newStudy();
        const w = await storage.createTrial(id, { state: 'WAITING' });
        await expect(storage.setTrialParam(w.trialId, 'f', 1, DISTRIBUTIONS.f.d)).rejects.toThrow(
          /WAITING, not RUNNING/,
        );
        await expect(storage.finishTrial(w.trialId, 'COMPLETE', [1], 1)).rejects.toBeInstanceOf(
          TrialAlreadyFinishedError,
        );
        expect((await storage.getTrial(w.trialId)).state).toBe('WAITING');
      });
    });

    describe('reading trials', () => {
      it('returns a study’s trials in number order, optionally by state', async () => {
        const id = await newStudy();
        const other = await newStudy('other');
        const states: TrialState[] = ['COMPLETE', 'RUNNING', 'WAITING', 'PRUNED', 'COMPLETE', 'FAIL'];
        for (const state of states)
          await storage.createTrial(id, { state, values: state === 'COMPLETE' ? [1] : null });
        await storage.createTrial(other, { state: 'COMPLETE', values: [2] });
        expect((await storage.getAllTrials(id)).map((t) => [t.number, t.state])).toEqual(
          states.map((s, i) => [i, s]),
        );
        expect((await storage.getAllTrials(id, ['COMPLETE'])).map((t) => t.number)).toEqual([0, 4]);
        expect((await storage.getAllTrials(id, ['WAITING', 'FAIL'])).map((t) => t.number)).toEqual([2, 5]);
        expect(await storage.getAllTrials(id, [])).toEqual([]);
        expect(await storage.getAllTrials(await newStudy('empty'))).toEqual([]);
      });

      it('returns every trial with cursor 0, then only what changed after the cursor', async () => {
        const id = await newStudy();
        const other = await newStudy('other');
        const a = await storage.createTrial(id);
        const b = await storage.createTrial(id);
        const w = await storage.createTrial(id, { state: 'WAITING' });
        const all = await storage.getTrialsChangedSince(id, 0);
        expect(all.trials.map((t) => t.number)).toEqual([0, 1, 2]);
        expect(all.cursor).toBeGreaterThan(0);

        const quiet = await storage.getTrialsChangedSince(id, all.cursor);
        expect(quiet.trials).toEqual([]);
        expect(quiet.cursor).toBe(all.cursor);

        // Changes elsewhere are not this study's.
        await storage.createTrial(other);
        expect((await storage.getTrialsChangedSince(id, quiet.cursor)).trials).toEqual([]);

        let cursor = quiet.cursor;
        const expectChanged = async (numbers: number[]) => {
          const changes = await storage.getTrialsChangedSince(id, cursor);
          expect(changes.trials.map((t) => t.number)).toEqual(numbers);
          expect(changes.cursor).toBeGreaterThanOrEqual(cursor);
          cursor = changes.cursor;
          return changes.trials;
        };
        await storage.setTrialParam(b.trialId, 'f', 1.25, DISTRIBUTIONS.f.d);
        expect((await expectChanged([1]))[0].params).toEqual({ f: 1.25 });
        await storage.setTrialIntermediateValue(a.trialId, 0, 2);
        expect((await expectChanged([0]))[0].intermediateValues).toEqual({ 0: 2 });
        await storage.setTrialUserAttr(b.trialId, 'k', 'v');
        expect((await expectChanged([1]))[0].userAttrs).toEqual({ k: 'v' });
        await storage.setTrialSystemAttr(a.trialId, 'k', 'v');
        expect((await expectChanged([0]))[0].systemAttrs).toEqual({ k: 'v' });
        await storage.claimWaitingTrial(id, 50);
        expect((await expectChanged([2]))[0].state).toBe('RUNNING');
        await storage.finishTrial(a.trialId, 'COMPLETE', [3], 60);
        await storage.finishTrial(w.trialId, 'FAIL', null, 61);
        expect((await expectChanged([0, 2])).map((t) => t.state)).toEqual(['COMPLETE', 'FAIL']);
        await storage.createTrial(id, { state: 'COMPLETE', values: [4] });
        await expectChanged([3]);
        await expectChanged([]);
      });

      it('keeps a TrialHistory equal to the stored trials through incremental refreshes', async () => {
        const id = await newStudy();
        const history = new TrialHistory(storage, id);
        const trials: FrozenTrial[] = [];
        for (let i = 0; i < 6; i++) {
          trials.push(await storage.createTrial(id));
          if (i % 2 === 0) await history.refresh();
        }
        for (const t of trials.slice(0, 4)) {
          await storage.setTrialParam(t.trialId, 'i', t.number, DISTRIBUTIONS.i.d);
          await storage.finishTrial(t.trialId, 'COMPLETE', [t.number / 2], 100 + t.number);
          await history.refresh();
        }
        await history.refresh();
        expect(history.getTrials()).toEqual(await storage.getAllTrials(id));
        expect(history.getTrials(['COMPLETE'])).toEqual(await storage.getAllTrials(id, ['COMPLETE']));
      });
    });

    describe('studies on this storage', () => {
      const objective = (trial: { suggestFloat(name: string, low: number, high: number): number }) =>
        (trial.suggestFloat('x', -10, 10) - 2) ** 2;

      it('resumes a study by name with loadIfExists, continuing its numbers', async () => {
        const first = await createStudy({
          storage,
          studyName: 'resume',
          sampler: new RandomSampler({ seed: 1 }),
        });
        await first.optimize(objective, { nTrials: 5 });
        await expect(createStudy({ storage, studyName: 'resume' })).rejects.toBeInstanceOf(
          DuplicateStudyError,
        );
        const again = await createStudy({
          storage,
          studyName: 'resume',
          loadIfExists: true,
          sampler: new RandomSampler({ seed: 2 }),
        });
        expect(again.studyId).toBe(first.studyId);
        expect(again.trials.map((t) => t.number)).toEqual(range(5));
        expect(again.bestValue).toBe(first.bestValue);
        await again.optimize(objective, { nTrials: 3 });
        const stored = await storage.getAllTrials(again.studyId);
        expect(stored.map((t) => [t.number, t.state])).toEqual(range(8).map((n) => [n, 'COMPLETE']));
      });

      it('shares one study between two Study objects: enqueued trials run once, numbers stay dense', async () => {
        const a = await createStudy({
          storage,
          studyName: 'shared',
          sampler: new RandomSampler({ seed: 3 }),
        });
        const b = await createStudy({ storage, studyName: 'shared', loadIfExists: true });
        await a.enqueueTrial({ x: 2 });
        await a.enqueueTrial({ x: -1 });
        await Promise.all([
          a.optimize(objective, { nTrials: 4, concurrency: 2 }),
          b.optimize(objective, { nTrials: 4, concurrency: 2 }),
        ]);
        const stored = await storage.getAllTrials(a.studyId);
        expect(stored.map((t) => t.number)).toEqual(range(8));
        expect(stored.every((t) => t.state === 'COMPLETE')).toBe(true);
        expect(stored.slice(0, 2).map((t) => t.params.x)).toEqual([2, -1]);
        await b.refresh();
        expect(b.bestValue).toBe(0);
      });
    });
  });
}
