import {
  createStudy,
  HyperbandPruner,
  InMemoryStorage,
  MedianPruner,
  NopPruner,
  PatientPruner,
  PercentilePruner,
  RandomSampler,
  SuccessiveHalvingPruner,
  ThresholdPruner,
  type FrozenTrial,
  type Pruner,
  type PruningSource,
  type StudyDirection,
} from '@tuneforge/core';
import { Redis } from 'ioredis';
import { RedisPruningIndex } from './pruning-index';
import { RedisKeys } from './redis-keys';
import { RedisPruningHistory } from './redis-pruning-history';

/** A learning curve: the value reported at each step, in step order (sparse steps allowed). */
type Curve = ReadonlyArray<readonly [step: number, value: number]>;

/**
 * The recorded curves every pruner is replayed over: 40 trials of 0..19 steps that fall at different
 * rates, some turning back up, some stopping early, some reporting even steps only, NaN and infinite
 * values in the middle of some (the last value, the trial's result, is always finite).
 */
function recordedCurves(): Curve[] {
  const curves: Curve[] = [];
  for (let n = 0; n < 40; n++) {
    // Fixed pseudo-random figures per trial (a multiplicative hash, not a generator: stable by design).
    const a = ((n * 7919) % 97) / 97;
    const b = ((n * 104729) % 89) / 89;
    const length = n % 9 === 4 ? 7 : 20;
    const curve: Array<[number, number]> = [];
    for (let step = 0; step < length; step++) {
      if (n % 13 === 7 && step % 2 === 1) continue;
      let value = b + (1 + 3 * a) / (1 + step * (0.2 + a));
      if (n % 11 === 3 && step === 2) value = NaN;
      if (n % 17 === 5 && step === 4) value = Infinity;
      // Some curves turn back up late (overfitting), so that patience runs out.
      if (n % 4 === 1 && step > 8) value += 0.08 * (step - 8);
      curve.push([step, value]);
    }
    curves.push(curve);
  }
  return curves;
}

/** The pruners under test, built fresh per run (some resolve options from the first trials). */
const PRUNERS: Array<[string, StudyDirection, () => Pruner]> = [
  ['MedianPruner', 'minimize', () => new MedianPruner()],
  [
    'MedianPruner (warm-up, interval)',
    'minimize',
    () => new MedianPruner({ nWarmupSteps: 3, intervalSteps: 2 }),
  ],
  [
    'PercentilePruner (nMinTrials)',
    'minimize',
    () => new PercentilePruner({ percentile: 30, nMinTrials: 8 }),
  ],
  [
    'PercentilePruner (maximize)',
    'maximize',
    () => new PercentilePruner({ percentile: 70, nStartupTrials: 2 }),
  ],
  ['SuccessiveHalvingPruner (auto)', 'minimize', () => new SuccessiveHalvingPruner({ reductionFactor: 2 })],
  [
    'SuccessiveHalvingPruner (bootstrap)',
    'minimize',
    () => new SuccessiveHalvingPruner({ minResource: 2, reductionFactor: 3, bootstrapCount: 2 }),
  ],
  ['HyperbandPruner (auto)', 'minimize', () => new HyperbandPruner()],
  [
    'HyperbandPruner (maximize)',
    'maximize',
    () => new HyperbandPruner({ maxResource: 18, reductionFactor: 2 }),
  ],
  ['ThresholdPruner', 'minimize', () => new ThresholdPruner({ upper: 2.5 })],
  ['PatientPruner (median)', 'minimize', () => new PatientPruner(new MedianPruner(), { patience: 1 })],
  ['NopPruner', 'minimize', () => new NopPruner()],
];

/** One decision of the replay: trial number, step, pruned or not. */
type Decision = [number, number, boolean];

/**
 * Replays `curves` one trial after the other, as `study.optimize` does: report each step, ask the
 * pruner, stop the trial when it says so. `source` is the pruning history (undefined: the library's);
 * `completed` is told each COMPLETE trial (the worker indexes it in Redis there).
 */
async function replay(
  pruner: Pruner,
  direction: StudyDirection,
  curves: readonly Curve[],
  source?: PruningSource,
  completed: (trial: FrozenTrial) => Promise<void> = () => Promise.resolve(),
): Promise<Decision[]> {
  const study = await createStudy({
    studyName: 'replayed',
    storage: new InMemoryStorage(),
    sampler: new RandomSampler({ seed: 1 }),
    pruner,
    direction,
    pruningSource: source,
  });
  const decisions: Decision[] = [];
  for (const curve of curves) {
    const trial = await study.ask();
    let pruned = false;
    for (const [step, value] of curve) {
      await trial.report(value, step);
      pruned = trial.shouldPrune();
      decisions.push([trial.number, step, pruned]);
      if (pruned) break;
    }
    const finished = await study.tell(trial, pruned ? 'PRUNED' : curve[curve.length - 1][1]);
    if (finished.state === 'COMPLETE') await completed(finished);
  }
  return decisions;
}

describe('RedisPruningHistory (real Redis)', () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  const keys = new RedisKeys(`tf-pruning-history-${process.pid}-${Date.now()}`);
  const index = new RedisPruningIndex(redis, keys);
  let nextStudyId = 1;

  afterAll(async () => {
    const found = await redis.keys(`${keys.prefix}:*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
  });

  /** A Redis history over a fresh study id, with the study's index created as the worker does. */
  async function redisHistory(direction: StudyDirection): Promise<RedisPruningHistory> {
    const studyId = nextStudyId++;
    await index.ensureStudy(studyId, () => Promise.resolve([]));
    return new RedisPruningHistory(index, { studyId, studyName: 'replayed', directions: [direction] });
  }

  it.each(PRUNERS)(
    '%s decides the same at every step on the Redis index as on the study',
    async (_name, direction, build) => {
      const curves = recordedCurves();
      const inMemory = await replay(build(), direction, curves);
      const history = await redisHistory(direction);
      const studyId = nextStudyId - 1;
      const onRedis = await replay(build(), direction, curves, history, (t) =>
        index.recordComplete(studyId, t),
      );
      expect(onRedis).toEqual(inMemory);
      // The replay means something: each pruner but NopPruner stops some trial and keeps others.
      const prunedTrials = new Set(inMemory.filter(([, , p]) => p).map(([n]) => n));
      if (build() instanceof NopPruner) expect(prunedTrials.size).toBe(0);
      else expect(prunedTrials.size).toBeGreaterThan(0);
      expect(prunedTrials.size).toBeLessThan(curves.length);
    },
  );

  it('answers the same figures as the study it indexes, NaN and infinities included', async () => {
    const history = await redisHistory('minimize');
    const studyId = nextStudyId - 1;
    const study = await createStudy({ storage: new InMemoryStorage(), pruner: new NopPruner() });
    const curves: Array<Record<number, number>> = [
      { 0: 3, 1: NaN, 2: 1 },
      { 0: Infinity, 1: 2, 5: 0.5 },
      { 0: -Infinity, 1: 4 },
      {},
    ];
    for (const [i, curve] of curves.entries()) {
      const t = await study.addTrial({ state: 'COMPLETE', value: i, intermediateValues: curve });
      await index.recordComplete(studyId, t);
    }
    await study.addTrial({ state: 'PRUNED', intermediateValues: { 0: 9, 7: 9 } });
    const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);

    await history.refresh(0);
    expect(history.completedTrialCount()).toBe(4);
    expect(history.longestCompletedStep()).toBe(5);
    expect(sorted(history.valuesAtStep(0))).toEqual([-Infinity, 3, Infinity]);
    await history.refresh(1);
    expect(history.valuesAtStep(1)).toHaveLength(3);
    expect(sorted(history.valuesAtStep(1)).slice(0, 2)).toEqual([2, 4]);
    expect(history.valuesAtStep(1)).toContainEqual(NaN);
    // Each step keeps the values of its own refresh (another trial may refresh another step between).
    expect(sorted(history.valuesAtStep(0))).toEqual([-Infinity, 3, Infinity]);
    expect(history.valuesAtStep(9)).toEqual([]);
  });

  it('records rungs and rebuilds them, with the curves, from the trials when the index is gone', async () => {
    const pruner = () => new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
    const history = await redisHistory('minimize');
    const studyId = nextStudyId - 1;
    const study = await createStudy({
      studyName: 'replayed',
      storage: new InMemoryStorage(),
      pruner: pruner(),
      pruningSource: history,
    });
    const curves = recordedCurves().slice(0, 12);
    for (const curve of curves) {
      const trial = await study.ask();
      for (const [step, value] of curve) {
        await trial.report(value, step);
        if (trial.shouldPrune()) break;
      }
      const finished = await study.tell(trial, curve[curve.length - 1][1]);
      await index.recordComplete(studyId, finished);
    }
    const before = await index.snapshot(studyId, 3);
    expect(before.rungs[0].size).toBeGreaterThan(0);
    expect(before.rungs[1].size).toBeGreaterThan(0);
    // The trials hold their rungs as attributes: what the database keeps.
    expect(study.trials[0].systemAttrs).toHaveProperty('completed_rung_0');

    const found = await redis.keys(keys.studyKeyPattern(studyId));
    await redis.del(...found);
    await index.ensureStudy(studyId, () => Promise.resolve(study.trials));
    expect(await index.snapshot(studyId, 3)).toEqual(before);
  });
});
