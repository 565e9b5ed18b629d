import {
  DistributionConflictError,
  DuplicateStudyError,
  InvalidArgumentError,
  InvalidDistributionError,
  TrialAlreadyFinishedError,
  TrialPruned,
} from '../errors';
import { floatDistribution, intDistribution } from '../distributions';
import type { Pruner } from '../pruners/pruner';
import { CmaEsSampler } from '../samplers/cmaes/cma-es-sampler';
import { RandomSampler } from '../samplers/random/random-sampler';
import { FAIL_REASON_ATTR } from '../trial/trial';
import { InMemoryStorage } from '../storage/in-memory-storage';
import type { Trial } from '../trial/trial';
import type { PlanningTrial } from './planning-trial';
import { createStudy, loadStudy } from './study';
import type { StudyView } from './study-view';

const never: Pruner = { prune: () => false };

function fakeClock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const quadratic = (trial: Trial) => {
  const x = trial.suggestFloat('x', -10, 10);
  return (x - 2) ** 2;
};

describe('ask and tell', () => {
  it('numbers trials from 0 and records values, params and times', async () => {
    const clock = fakeClock();
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }), pruner: never, clock });
    const t0 = await study.ask();
    const x = t0.suggestFloat('x', 0, 1);
    clock.advance(250);
    const done = await study.tell(t0, x * 2);
    expect(done).toMatchObject({ number: 0, state: 'COMPLETE', values: [x * 2], params: { x } });
    expect(done.datetimeStart).toBe(1_000);
    expect(done.datetimeComplete).toBe(1_250);
    const t1 = await study.ask();
    expect(t1.number).toBe(1);
  });

  it('refuses to finish a trial twice and leaves the first result', async () => {
    const study = await createStudy({ pruner: never });
    const trial = await study.ask();
    await study.tell(trial, 1);
    await expect(study.tell(trial, 2)).rejects.toBeInstanceOf(TrialAlreadyFinishedError);
    await expect(study.tell(trial.number, 'FAIL')).rejects.toThrow(/is COMPLETE, not RUNNING/);
    expect(study.trials[0].values).toEqual([1]);
  });

  it('ends FAIL for NaN or the wrong number of values, with the reason', async () => {
    const study = await createStudy({ pruner: never });
    const nan = await study.tell(await study.ask(), NaN);
    expect(nan.state).toBe('FAIL');
    expect(nan.systemAttrs.fail_reason).toMatch(/not a number/);
    const two = await study.tell(await study.ask(), [1, 2]);
    expect(two.state).toBe('FAIL');
    expect(two.systemAttrs.fail_reason).toMatch(/returned 2 value\(s\) but the study has 1/);
  });

  it('keeps the last intermediate value of a pruned trial', async () => {
    const study = await createStudy({ pruner: never });
    const trial = await study.ask();
    await trial.report(0.5, 1);
    await trial.report(0.4, 2);
    const pruned = await study.tell(trial, 'PRUNED');
    expect(pruned).toMatchObject({ state: 'PRUNED', values: [0.4], intermediateValues: { 1: 0.5, 2: 0.4 } });
  });

  it('suggests the same value for the same name and names both distributions on a conflict', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 3 }) });
    const trial = await study.ask();
    const a = trial.suggestFloat('lr', 1e-4, 1, { log: true });
    expect(trial.suggestFloat('lr', 1e-4, 1, { log: true })).toBe(a);
    expect(() => trial.suggestInt('lr', 1, 10)).toThrow(DistributionConflictError);
    expect(() => trial.suggestInt('lr', 1, 10)).toThrow(
      "Parameter 'lr' was suggested as float(low=0.0001, high=1, log) and now as int(low=1, high=10) in trial 0.",
    );
  });

  it('refuses writes to a finished trial', async () => {
    const study = await createStudy({ pruner: never });
    const trial = await study.ask();
    await study.tell(trial, 1);
    await expect(trial.report(1, 3)).rejects.toBeInstanceOf(TrialAlreadyFinishedError);
  });

  it("shows the sampler this process's running trials with everything suggested so far", async () => {
    const seen: Record<string, unknown>[] = [];
    class WatchingSampler extends RandomSampler {
      beforeTrial(view: StudyView): void {
        seen.push(...view.getTrials(['RUNNING']).map((t) => ({ ...t.params })));
      }
    }
    const study = await createStudy({ sampler: new WatchingSampler({ seed: 1 }) });
    const first = await study.ask();
    const x = first.suggestFloat('x', 0, 1);
    const n = first.suggestInt('n', 1, 3);
    // No await between the suggestions and the next ask: the writes may not have reached storage yet.
    seen.length = 0;
    await study.ask();
    expect(seen).toContainEqual({ x, n });
  });

  it('pre-suggests fixed distributions given to ask', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    const trial = await study.ask({ x: floatDistribution(0, 1), n: intDistribution(1, 3) });
    expect(Object.keys(trial.paramsSoFar).sort()).toEqual(['n', 'x']);
    const done = await study.tell(trial, 0);
    expect(done.distributions.n).toEqual(intDistribution(1, 3));
  });
});

describe('optimize', () => {
  it('runs nTrials and finds the best trial', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 0 }) });
    await study.optimize(quadratic, { nTrials: 30 });
    expect(study.trials).toHaveLength(30);
    expect(study.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    const best = Math.min(...study.trials.map((t) => t.values![0]));
    expect(study.bestValue).toBe(best);
    expect(study.bestParams).toEqual(study.bestTrial.params);
  });

  it('maximizes when asked to', async () => {
    const study = await createStudy({ direction: 'maximize', sampler: new RandomSampler({ seed: 0 }) });
    await study.optimize(quadratic, { nTrials: 20 });
    expect(study.bestValue).toBe(Math.max(...study.trials.map((t) => t.values![0])));
  });

  it('gives the same trials for the same seed and others for another seed', async () => {
    const params = async (seed: number) => {
      const study = await createStudy({ sampler: new RandomSampler({ seed }) });
      await study.optimize(
        (t) => {
          t.suggestInt('n', 1, 100, { log: true });
          t.suggestCategorical('c', ['a', 'b', 'c']);
          return t.suggestFloat('x', -1, 1, { step: 0.01 });
        },
        { nTrials: 10 },
      );
      return study.trials.map((t) => t.params);
    };
    expect(await params(5)).toEqual(await params(5));
    expect(await params(5)).not.toEqual(await params(6));
  });

  it('gives the same trials for the same seed whatever the concurrency', async () => {
    const run = async (concurrency: number) => {
      const study = await createStudy({ sampler: new RandomSampler({ seed: 11 }) });
      await study.optimize(
        async (t) => {
          await new Promise((r) => setTimeout(r, (t.number * 7) % 5));
          return t.suggestFloat('x', 0, 1) + t.suggestInt('k', 0, 9);
        },
        { nTrials: 12, concurrency },
      );
      return study.trials.map((t) => [t.number, t.params.x, t.params.k]);
    };
    expect(await run(4)).toEqual(await run(1));
  });

  it('ends a throwing trial FAIL with its message and rethrows', async () => {
    const study = await createStudy({ pruner: never });
    let calls = 0;
    await expect(
      study.optimize(
        () => {
          calls++;
          throw new Error('diverged');
        },
        { nTrials: 5 },
      ),
    ).rejects.toThrow('diverged');
    expect(calls).toBe(1);
    expect(study.trials[0]).toMatchObject({ state: 'FAIL', systemAttrs: { fail_reason: 'diverged' } });
  });

  it('goes on after errors listed in catch', async () => {
    class Flaky extends Error {}
    const study = await createStudy({ pruner: never });
    await study.optimize(
      (t) => {
        if (t.number % 2 === 0) throw new Flaky('odd luck');
        return 1;
      },
      { nTrials: 6, catch: [Flaky] },
    );
    expect(study.trials.map((t) => t.state)).toEqual([
      'FAIL',
      'COMPLETE',
      'FAIL',
      'COMPLETE',
      'FAIL',
      'COMPLETE',
    ]);
  });

  it('ends TrialPruned trials PRUNED and keeps going', async () => {
    const study = await createStudy({ pruner: never });
    await study.optimize(
      async (t) => {
        await t.report(t.number, 0);
        if (t.number < 2) throw new TrialPruned();
        return t.number;
      },
      { nTrials: 4 },
    );
    expect(study.trials.map((t) => t.state)).toEqual(['PRUNED', 'PRUNED', 'COMPLETE', 'COMPLETE']);
  });

  it('runs async objectives concurrently, each trial once', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 2 }) });
    let running = 0;
    let peak = 0;
    await study.optimize(
      async (t) => {
        running++;
        peak = Math.max(peak, running);
        const x = t.suggestFloat('x', 0, 1);
        await new Promise((r) => setTimeout(r, 1 + (t.number % 3)));
        running--;
        return x;
      },
      { nTrials: 24, concurrency: 4 },
    );
    expect(peak).toBe(4);
    expect(study.trials.map((t) => t.number)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(study.trials.every((t) => t.state === 'COMPLETE' && t.values![0] === t.params.x)).toBe(true);
  });

  it('starts no trial after the timeout', async () => {
    const clock = fakeClock();
    const study = await createStudy({ clock });
    await study.optimize(
      () => {
        clock.advance(400);
        return 0;
      },
      { timeoutMs: 1000 },
    );
    expect(study.trials).toHaveLength(3);
  });

  it('calls callbacks after each finished trial and stops on study.stop()', async () => {
    const study = await createStudy({});
    const seen: number[] = [];
    await study.optimize(() => 1, {
      nTrials: 10,
      callbacks: [
        (s, t) => {
          seen.push(t.number);
          if (t.number === 2) s.stop();
        },
      ],
    });
    expect(seen).toEqual([0, 1, 2]);
  });

  it('checks its options', async () => {
    const study = await createStudy({});
    await expect(study.optimize(() => 1, { nTrials: -1 })).rejects.toThrow(
      'nTrials must be an integer >= 0, got -1',
    );
    await expect(study.optimize(() => 1, { concurrency: 0 })).rejects.toThrow(
      /concurrency must be an integer >= 1/,
    );
  });
});

describe('enqueued and added trials', () => {
  it('runs enqueued parameters first, in order', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 0 }) });
    await study.enqueueTrial({ x: 2 });
    await study.enqueueTrial({ x: -3 });
    await study.enqueueTrial({ x: 2 }, { skipIfExists: true });
    await study.optimize(quadratic, { nTrials: 3 });
    expect(study.trials.slice(0, 2).map((t) => t.params.x)).toEqual([2, -3]);
    expect(study.bestValue).toBe(0);
    expect(study.trials).toHaveLength(3);
  });

  it('fails an enqueued value outside the distribution with a clear reason', async () => {
    const study = await createStudy({});
    await study.enqueueTrial({ x: 50 });
    await study.optimize(quadratic, { nTrials: 1, catch: [Error] });
    expect(study.trials[0].systemAttrs.fail_reason).toMatch(
      /Enqueued value 50 of 'x' is outside float\(low=-10, high=10\)/,
    );
  });

  it('adds finished trials after validating them', async () => {
    const study = await createStudy({});
    const x = floatDistribution(0, 1);
    await study.addTrial({ value: 0.3, params: { x: 0.5 }, distributions: { x } });
    await expect(study.addTrial({ value: 1, params: { x: 2 }, distributions: { x } })).rejects.toThrow(
      /value 2 of 'x' is outside float\(low=0, high=1\)/,
    );
    await expect(study.addTrial({ params: { x: 0.1 }, distributions: { x } })).rejects.toThrow(
      /a COMPLETE trial needs 1 numeric value/,
    );
    await expect(study.addTrial({ value: 1, params: { y: 1 } })).rejects.toThrow(/'y' has no distribution/);
    expect(study.bestTrial).toMatchObject({ number: 0, values: [0.3], params: { x: 0.5 } });
  });
});

describe('study lifecycle', () => {
  it('refuses a duplicate name unless loadIfExists, then continues the numbering', async () => {
    const storage = new InMemoryStorage();
    const first = await createStudy({ studyName: 's', storage });
    await first.optimize(() => 1, { nTrials: 2 });
    await expect(createStudy({ studyName: 's', storage })).rejects.toThrow(DuplicateStudyError);
    await expect(createStudy({ studyName: 's', storage })).rejects.toThrow(/pass loadIfExists: true/);
    const again = await createStudy({ studyName: 's', storage, loadIfExists: true });
    expect(again.trials).toHaveLength(2);
    await again.optimize(() => 0, { nTrials: 1 });
    expect(again.trials.map((t) => t.number)).toEqual([0, 1, 2]);
    expect((await loadStudy({ studyName: 's', storage })).bestValue).toBe(0);
  });

  it('validates directions', async () => {
    await expect(createStudy({ direction: 'up' as never })).rejects.toThrow(
      /'minimize' or 'maximize', got "up"/,
    );
    await expect(createStudy({ direction: 'minimize', directions: ['maximize'] })).rejects.toThrow(
      /not both/,
    );
    await expect(createStudy({ directions: [] })).rejects.toThrow(InvalidArgumentError);
  });

  it('has no best trial before one completes', async () => {
    const study = await createStudy({ studyName: 'empty' });
    expect(() => study.bestTrial).toThrow("Study 'empty' has no COMPLETE trial yet, so no best trial.");
  });

  it('keeps user attributes of the study and of trials', async () => {
    const study = await createStudy({});
    await study.setUserAttr('owner', 'ada');
    const trial = await study.ask();
    await trial.setUserAttr('note', { ok: true });
    const done = await study.tell(trial, 1);
    expect(study.userAttrs).toEqual({ owner: 'ada' });
    expect(done.userAttrs).toEqual({ note: { ok: true } });
  });

  it('refuses an attribute that is not JSON at the call, and the trial goes on', async () => {
    const study = await createStudy({});
    const trial = await study.ask();
    const notJson = (value: unknown) => () => trial.setUserAttr('x', value as never);
    expect(notJson(() => 1)).toThrow(
      "setUserAttr('x'): the value is a function; attributes are stored as JSON",
    );
    expect(notJson({ at: [1, 2n] })).toThrow('the value.at[1] is a bigint');
    expect(notJson(Number.NaN)).toThrow('the value is NaN');
    expect(notJson(new Date(0))).toThrow('the value is a Date, not a plain object');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(notJson(loop)).toThrow('the value.self refers back to itself');
    await expect(study.setUserAttr('y', undefined as never)).rejects.toThrow(InvalidArgumentError);
    // The same value twice in one object is not a cycle.
    const shared = { a: 1 };
    void trial.setUserAttr('ok', { p: shared, q: shared });
    const done = await study.tell(trial, 1);
    expect(done.state).toBe('COMPLETE');
    expect(done.userAttrs).toEqual({ ok: { p: { a: 1 }, q: { a: 1 } } });
    expect(study.userAttrs).toEqual({});
  });
});

describe('options and results the API does not take', () => {
  it('refuses unknown and positional options instead of ignoring them', async () => {
    await expect(createStudy({ nTrials: 5 } as never)).rejects.toThrow(
      "createStudy: unknown option 'nTrials'; known options: studyName, direction, directions,",
    );
    const study = await createStudy({});
    await expect(study.optimize(quadratic, { n_trials: 3, timeoutMs: 300 } as never)).rejects.toThrow(
      "optimize: unknown option 'n_trials'",
    );
    const trial = await study.ask();
    expect(() => trial.suggestFloat('lr', 0.1, 1, true as never)).toThrow(
      "suggestFloat('lr'): the fourth argument is an options object, e.g. { log: true }, got true.",
    );
    expect(() => trial.suggestInt('n', 1, 10, 2 as never)).toThrow('e.g. { step: 2 }, got 2.');
    expect(() => trial.suggestFloat('x', 0.1, 1, { logs: true } as never)).toThrow(
      "suggestFloat('x'): unknown option 'logs'; known options: log, step",
    );
    expect(trial.suggestFloat('y', 0.1, 1, { log: true })).toBeGreaterThanOrEqual(0.1);
    expect(() => trial.suggestFloat('s', '0' as never, 1)).toThrow(
      'float low must be a finite number, got the string "0"',
    );
  });

  it('fails a trial whose objective returns no number, and goes on', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    const returns = [undefined, 'x', [1, '2'], 4];
    await study.optimize(
      (trial) => {
        trial.suggestFloat('x', 0, 1);
        return returns[trial.number] as never;
      },
      { nTrials: 4 },
    );
    const trials = await study.getTrials();
    expect(trials.map((t) => t.state)).toEqual(['FAIL', 'FAIL', 'FAIL', 'COMPLETE']);
    expect(trials.map((t) => t.systemAttrs[FAIL_REASON_ATTR])).toEqual([
      'The objective returned undefined (no return value); it must return a number, or an array of numbers (one per objective).',
      'The objective returned the string "x"; it must return a number, or an array of numbers (one per objective).',
      'The objective returned an array that holds something other than numbers; it must return a number, or an array of numbers (one per objective).',
      undefined,
    ]);
  });
});

describe('parts of the wrong kind, and samplers that fail', () => {
  it('refuses a name where a sampler, pruner or storage belongs, before anything is stored', async () => {
    const storage = new InMemoryStorage();
    await expect(createStudy({ storage, sampler: 'tpe' as never })).rejects.toThrow(
      `sampler must be a sampler object, e.g. new TpeSampler({ seed: 1 }) or createSampler({ type: 'tpe' }); got the string "tpe".`,
    );
    await expect(createStudy({ storage, pruner: 'median' as never })).rejects.toThrow(
      'pruner must be a pruner object',
    );
    await expect(createStudy({ storage: 'sqlite:x.db' as never })).rejects.toThrow(
      `storage must be a storage object, e.g. await openStorage('sqlite:studies.db'); got the string "sqlite:x.db".`,
    );
    await expect(
      createStudy({ storage, directions: ['minimize', 'maximize'], sampler: new CmaEsSampler() }),
    ).rejects.toThrow('CmaEsSampler supports single-objective studies only; this one has 2 objectives.');
    expect(await storage.listStudies()).toEqual([]);
  });

  it('ends FAIL, with the reason, a trial whose sampler failed at ask; none stays RUNNING', async () => {
    const failing = new RandomSampler({ seed: 1 });
    failing.inferRelativeSearchSpace = () => {
      throw new InvalidArgumentError('no space today');
    };
    const study = await createStudy({ sampler: failing });
    await expect(study.ask()).rejects.toThrow('no space today');
    await expect(study.ask()).rejects.toThrow('no space today');
    const trials = await study.getTrials();
    expect(trials.map((t) => t.state)).toEqual(['FAIL', 'FAIL']);
    expect(trials[0].systemAttrs[FAIL_REASON_ATTR]).toBe(
      'Trial 0 did not start, the sampler failed: no space today',
    );
  });

  it('ends FAIL a trial whose fixed distributions are refused', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    await expect(study.ask({ x: { type: 'float', low: 2, high: 1, log: false } as never })).rejects.toThrow(
      InvalidDistributionError,
    );
    const [trial] = await study.getTrials();
    expect(trial.state).toBe('FAIL');
    expect(trial.systemAttrs[FAIL_REASON_ATTR]).toMatch(
      /^Trial 0 did not start, its fixed distributions were refused: /,
    );
  });
});

describe('multi-objective studies', () => {
  it('returns the Pareto front and refuses single-objective accessors', async () => {
    const study = await createStudy({ directions: ['minimize', 'maximize'] });
    for (const values of [
      [1, 1],
      [2, 3],
      [3, 2],
      [0.5, 0.5],
    ]) {
      await study.tell(await study.ask(), values);
    }
    expect(study.bestTrials.map((t) => t.number)).toEqual([0, 1, 3]);
    expect(() => study.bestTrial).toThrow(/has 2 objectives/);
    const trial = await study.ask();
    await expect(trial.report(1, 0)).rejects.toThrow(/not supported for multi-objective/);
  });
});

describe('pruning', () => {
  it('asks the pruner with the reported values and lets the objective stop', async () => {
    const seen: number[][] = [];
    const pruner: Pruner = {
      prune: (_study, trial) => {
        seen.push(Object.values(trial.intermediateValues));
        return Object.keys(trial.intermediateValues).length >= 2;
      },
    };
    const study = await createStudy({ pruner });
    await study.optimize(
      async (t) => {
        for (let step = 0; step < 5; step++) {
          await t.report(10 - step, step);
          if (t.shouldPrune()) throw new TrialPruned();
        }
        return 0;
      },
      { nTrials: 1 },
    );
    expect(seen).toEqual([[10], [10, 9]]);
    expect(study.trials[0]).toMatchObject({ state: 'PRUNED', values: [9] });
  });

  it('checks report arguments and keeps the first value of a step', async () => {
    const study = await createStudy({ pruner: never });
    const trial = await study.ask();
    await expect(trial.report(1, -1)).rejects.toThrow('report: step must be an integer >= 0, got -1');
    await expect(trial.report('x' as never, 1)).rejects.toThrow(/value must be a number/);
    await trial.report(1, 1);
    await trial.report(2, 1);
    expect((await study.tell(trial, 1)).intermediateValues).toEqual({ 1: 1 });
  });
});

describe('scheduler and worker halves (platform)', () => {
  it('creates pending trials that a worker claims once, then runs define-by-run', async () => {
    const storage = new InMemoryStorage();
    const scheduler = await createStudy({ studyName: 'p', storage, sampler: new RandomSampler({ seed: 4 }) });
    const pending = await scheduler.createPendingTrials(3);
    expect(pending.map((t) => [t.number, t.state])).toEqual([
      [0, 'WAITING'],
      [1, 'WAITING'],
      [2, 'WAITING'],
    ]);
    const worker = await loadStudy({ studyName: 'p', storage, sampler: new RandomSampler({ seed: 4 }) });
    const claimed = await storage.claimTrial(pending[1].trialId, 'w1', 5);
    await expect(storage.claimTrial(pending[1].trialId, 'w2', 6)).rejects.toBeInstanceOf(
      TrialAlreadyFinishedError,
    );
    const live = worker.attachTrial(claimed);
    const x = live.suggestFloat('x', 0, 1);
    const done = await worker.tell(live, x);
    expect(done).toMatchObject({ number: 1, state: 'COMPLETE', params: { x } });
    // The same seed samples the same value for the same trial number in any process.
    const embedded = await createStudy({ sampler: new RandomSampler({ seed: 4 }) });
    await embedded.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 2 });
    expect(embedded.trials[1].params.x).toBe(x);
  });

  it("keeps only the worker's running trials when opened with keep: 'running'", async () => {
    // A worker of a study whose parameters the scheduler planned: no history read, nothing kept once told.
    const storage = new InMemoryStorage();
    const scheduler = await createStudy({ studyName: 'p', storage, sampler: new RandomSampler({ seed: 4 }) });
    await scheduler.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 5 });
    const [a, b, c] = await scheduler.createPendingTrials(3);
    let reads = 0;
    const read = storage.getTrialsChangedSince.bind(storage);
    storage.getTrialsChangedSince = (...args) => {
      reads++;
      return read(...args);
    };
    const worker = await loadStudy({ studyName: 'p', storage, keep: 'running' });
    expect(worker.trials).toEqual([]);
    const [runA, runB, runC] = await Promise.all(
      [a, b, c].map((t) => storage.claimTrial(t.trialId, 'w1', 10)),
    );
    const liveA = worker.attachTrial(runA);
    worker.attachTrial(runB);
    worker.attachTrial(runC);
    expect(worker.trials.map((t) => [t.number, t.state])).toEqual([
      [5, 'RUNNING'],
      [6, 'RUNNING'],
      [7, 'RUNNING'],
    ]);
    expect(await worker.tell(liveA, 0.5)).toMatchObject({ number: 5, state: 'COMPLETE', values: [0.5] });
    worker.detachTrial(runB.number);
    expect(worker.trials.map((t) => t.number)).toEqual([7]);
    expect(reads).toBe(0);
    // The storage has every trial; the scheduler's study sees them.
    await scheduler.refresh();
    expect(scheduler.trials.map((t) => t.state)).toEqual([
      ...Array<string>(6).fill('COMPLETE'),
      'RUNNING',
      'RUNNING',
    ]);
  });

  it('plans pending trials without reading the history again when the caller just did', async () => {
    const storage = new InMemoryStorage();
    const scheduler = await createStudy({ studyName: 'p', storage, sampler: new RandomSampler({ seed: 4 }) });
    let reads = 0;
    const read = storage.getTrialsChangedSince.bind(storage);
    storage.getTrialsChangedSince = (...args) => {
      reads++;
      return read(...args);
    };
    await scheduler.createPendingTrials(2);
    expect(reads).toBe(1);
    await scheduler.refreshTrials();
    const created = await scheduler.createPendingTrials(2, undefined, { refreshed: true });
    expect(reads).toBe(2);
    expect(created.map((t) => [t.number, t.state])).toEqual([
      [2, 'WAITING'],
      [3, 'WAITING'],
    ]);
  });

  it("plans from the trial count alone when opened with keep: 'none'", async () => {
    // The platform's scheduler with random search: the same trials as a planner that reads the history,
    // without reading or keeping any trial.
    const plan = (t: Trial | PlanningTrial) => t.suggestFloat('x', 0, 1);
    const withHistory = new InMemoryStorage();
    const reference = await createStudy({
      studyName: 'p',
      storage: withHistory,
      sampler: new RandomSampler({ seed: 4 }),
    });
    await reference.optimize(plan, { nTrials: 5 });
    const expected = await reference.createPendingTrials(3, plan);

    const storage = new InMemoryStorage();
    const first = await createStudy({ studyName: 'p', storage, sampler: new RandomSampler({ seed: 4 }) });
    await first.optimize(plan, { nTrials: 5 });
    let reads = 0;
    const read = storage.getTrialsChangedSince.bind(storage);
    storage.getTrialsChangedSince = (...args) => {
      reads++;
      return read(...args);
    };
    const planner = await loadStudy({
      studyName: 'p',
      storage,
      sampler: new RandomSampler({ seed: 4 }),
      keep: 'none',
    });
    const created = await planner.createPendingTrials(3, plan);
    expect(created.map((t) => [t.number, t.state, t.params.x])).toEqual(
      expected.map((t) => [t.number, 'WAITING', t.params.x]),
    );
    expect(created.map((t) => t.number)).toEqual([5, 6, 7]);
    // Planned again after another writer took numbers: the count is read again, not the trials.
    await storage.createTrial(planner.studyId, { state: 'WAITING' });
    await planner.refreshTrials();
    expect((await planner.createPendingTrials(1, plan, { refreshed: true }))[0].number).toBe(9);
    expect(planner.trials).toEqual([]);
    expect(reads).toBe(0);
    // Counts the caller has just read are taken as they are (the scheduler reads them for its budget).
    await storage.createTrial(planner.studyId, { state: 'WAITING' });
    const counts = await storage.countTrials(planner.studyId);
    let countReads = 0;
    const count = storage.countTrials.bind(storage);
    storage.countTrials = (...args) => {
      countReads++;
      return count(...args);
    };
    await planner.refreshTrials(counts);
    expect(countReads).toBe(0);
    expect((await planner.createPendingTrials(1, plan, { refreshed: true }))[0].number).toBe(11);
  });

  it('refuses to attach a trial that is not RUNNING', async () => {
    const study = await createStudy({});
    const [pending] = await study.createPendingTrials(1);
    expect(() => study.attachTrial(pending)).toThrow('Trial 0 is WAITING; only a RUNNING trial can be run.');
  });
});
