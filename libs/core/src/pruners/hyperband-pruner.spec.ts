import { InvalidArgumentError, TrialPruned } from '../errors';
import { InMemoryStorage } from '../storage/in-memory-storage';
import { createStudy } from '../study/study';
import { lastStep } from '../trial/frozen-trial';
import { HyperbandPruner } from './hyperband-pruner';
import { SuccessiveHalvingPruner } from './successive-halving-pruner';
import { addCompleted, contextOf, fakeHistory, fakeStudy, frozenTrial } from './testing/pruner-fixtures';

describe('HyperbandPruner', () => {
  it('has floor(log_eta(max / min)) + 1 brackets, shared out as ceil(n * eta^s / (s + 1))', () => {
    const hb = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
    expect(hb.nBrackets).toBe(4);
    expect(hb.bracketBudgets).toEqual([27, 12, 6, 4]);
    expect(new HyperbandPruner({ maxResource: 16, reductionFactor: 2 }).nBrackets).toBe(5);
    expect(new HyperbandPruner({ minResource: 3, maxResource: 9 }).nBrackets).toBe(2);
    expect(new HyperbandPruner({ minResource: 5, maxResource: 5 }).bracketBudgets).toEqual([1]);
    // As Optuna computes it: log(1000) / log(10) is 2.9999999999999996 in floating point.
    expect(new HyperbandPruner({ maxResource: 1000, reductionFactor: 10 }).nBrackets).toBe(3);
  });

  it('assigns brackets from crc32(`${studyName}_${number}`) exactly as Optuna does', () => {
    const hb = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
    // Reference: Optuna's _get_bracket_id, i.e. binascii.crc32(f"hb_{n}".encode()) % 49 against [27, 12, 6, 4].
    const expected = [
      0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 3, 0, 3, 2, 0, 0, 1, 1, 0, 3, 1, 0, 1, 2, 0, 0, 0, 0, 1, 1, 3, 2, 0, 1, 0,
      1, 0, 3, 1, 0,
    ];
    expect(expected.map((_, n) => hb.bracketOf('hb', n))).toEqual(expected);
    // Deterministic: another instance, asked in another order, agrees.
    const again = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
    expect([39, 12, 0].map((n) => again.bracketOf('hb', n))).toEqual([0, 3, 0]);
    // The study name matters.
    expect(expected.map((_, n) => hb.bracketOf('other', n))).not.toEqual(expected);
  });

  it('gives every bracket its share of the trials', () => {
    const hb = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
    const counts = [0, 0, 0, 0];
    for (let n = 0; n < 4900; n++) counts[hb.bracketOf('hb', n)]++;
    // Budgets 27 : 12 : 6 : 4 of 49 would be 2700, 1200, 600, 400.
    expect(counts).toEqual([2703, 1199, 594, 404]);
  });

  describe('brackets see only their own trials', () => {
    // Study 'hyperband-story', brackets of 9 / 3 / 3: trials 1, 2 are in bracket 0, 4 and 10 in bracket 1, 0 in bracket 2.
    const hb = () => new HyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 3 });
    const history = fakeHistory(
      [
        frozenTrial(0, { curve: { 9: 7 }, systemAttrs: { completed_rung_0: 7 } }),
        frozenTrial(2, { curve: { 1: 5 }, systemAttrs: { completed_rung_0: 5 } }),
        frozenTrial(4, { curve: { 3: 0 }, systemAttrs: { completed_rung_0: 0 } }),
      ],
      { studyName: 'hyperband-story' },
    );

    it('puts the trials in the brackets the story needs', () => {
      const pruner = hb();
      expect(pruner.bracketBudgets).toEqual([9, 5, 3]);
      expect([0, 1, 2, 4, 10].map((n) => pruner.bracketOf('hyperband-story', n))).toEqual([2, 0, 0, 1, 1]);
    });

    it('judges a trial against its bracket only', () => {
      const trial1 = contextOf(frozenTrial(1, { curve: { 1: 1 } }));
      // Bracket 0 holds 5 at rung 0: 1 is the best there and goes on.
      expect(hb().prune(history, trial1.ctx)).toBe(false);
      expect(trial1.written).toEqual([['completed_rung_0', 1]]);
      // Over the whole study, trial 4's 0 (another bracket) would have beaten it.
      const plain = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
      expect(plain.prune(history, contextOf(frozenTrial(1, { curve: { 1: 1 } })).ctx)).toBe(true);
    });

    it("uses the bracket's early-stopping rate: bracket 1's first rung is at step 3", () => {
      const pruner = hb();
      expect(pruner.prune(history, contextOf(frozenTrial(10, { curve: { 1: 9 } })).ctx)).toBe(false);
      const atRung = contextOf(frozenTrial(10, { curve: { 1: 9, 3: 9 } }));
      expect(pruner.prune(history, atRung.ctx)).toBe(true);
      expect(atRung.written).toEqual([['completed_rung_0', 9]]);
    });

    it('bracketView shows a sampler the trials of the same bracket', () => {
      const pruner = hb();
      const all = fakeStudy(
        Array.from({ length: 10 }, (_, n) =>
          frozenTrial(n, { state: n % 2 === 0 ? 'COMPLETE' : 'RUNNING', value: n }),
        ),
        { studyName: 'hyperband-story' },
      );
      const view = pruner.bracketView(all, { number: 1 });
      expect(view.getTrials().map((t) => t.number)).toEqual([1, 2, 6, 7, 8]);
      expect(view.getTrials(['COMPLETE']).map((t) => t.number)).toEqual([2, 6, 8]);
      expect(view.studyName).toBe('hyperband-story');
      expect(view.direction).toBe('minimize');
      // Before 'auto' knows the maximum resource there are no brackets: the whole study.
      expect(new HyperbandPruner().bracketView(all, { number: 1 })).toBe(all);
    });
  });

  it("'auto' waits for a COMPLETE trial, then takes its last step + 1 as the maximum resource", async () => {
    const pruner = new HyperbandPruner({ reductionFactor: 3 });
    const study = await createStudy({ storage: new InMemoryStorage(), pruner, studyName: 'auto-max' });
    expect(pruner.maxResource).toBeNull();
    expect(pruner.nBrackets).toBeNull();
    const early = await study.ask();
    await early.report(1e9, 1);
    expect(early.shouldPrune()).toBe(false);
    expect(pruner.maxResource).toBeNull();

    await addCompleted(study, [5, 4, 3, 2, 1, 1, 1, 1, 1, 1]);
    // The first COMPLETE curve ran steps 0..9: R = 10, floor(log_3(10)) + 1 = 3 brackets.
    expect(early.shouldPrune()).toBe(false);
    expect(pruner.maxResource).toBe(10);
    expect(pruner.nBrackets).toBe(3);
    // A longer curve later changes nothing.
    await addCompleted(study, { 99: 1 });
    expect(early.shouldPrune()).toBe(false);
    expect(pruner.maxResource).toBe(10);
  });

  it('refuses multi-objective studies', () => {
    const pruner = new HyperbandPruner({ maxResource: 9 });
    const study = fakeHistory([], { directions: ['maximize', 'maximize'] });
    expect(() => pruner.prune(study, contextOf(frozenTrial(0, { curve: { 1: 1 } })).ctx)).toThrow(
      InvalidArgumentError,
    );
  });

  it('checks its options, naming the one at fault', () => {
    expect(() => new HyperbandPruner({ minResource: 0 })).toThrow(/^minResource must be an integer >= 1/);
    expect(() => new HyperbandPruner({ maxResource: 'big' as 'auto' })).toThrow(
      /^maxResource must be 'auto'/,
    );
    expect(() => new HyperbandPruner({ minResource: 4, maxResource: 3 })).toThrow(
      /^maxResource must be an integer >= 4/,
    );
    expect(() => new HyperbandPruner({ reductionFactor: 1 })).toThrow(/^reductionFactor/);
    expect(() => new HyperbandPruner({ maxResource: 9, bootstrapCount: -1 })).toThrow(/^bootstrapCount/);
    expect(() => new HyperbandPruner({ bootstrapCount: 2 })).toThrow(InvalidArgumentError);
    expect(() => new HyperbandPruner({ maxResource: 9, bootstrapCount: 2 })).not.toThrow();
  });

  it('in an optimize run, prunes at the rungs of each trial own bracket and keeps the best curve', async () => {
    const pruner = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
    const study = await createStudy({ storage: new InMemoryStorage(), pruner, studyName: 'hb-e2e' });
    // Loss curves base + 1 / (step + 1); the bases are a permutation of 0, 1/40, ..., 39/40 (trial 37 has 0).
    const base = (n: number) => ((n * 17 + 11) % 40) / 40;
    await study.optimize(
      async (trial) => {
        let loss = 0;
        for (let step = 0; step < 27; step++) {
          loss = base(trial.number) + 1 / (step + 1);
          await trial.report(loss, step);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return loss;
      },
      { nTrials: 40 },
    );
    // Bracket sizes as Optuna would make them for study 'hb-e2e' (binascii.crc32 reference).
    const bracketOf = (n: number) => pruner.bracketOf('hb-e2e', n);
    const sizes = [0, 0, 0, 0];
    for (const t of study.trials) sizes[bracketOf(t.number)]++;
    expect(sizes).toEqual([23, 8, 3, 6]);
    // [number, last step] of each PRUNED trial, from a transcription of Optuna's algorithm in Python.
    // Bracket b's rungs are at steps 3^(b + k): trials of bracket 0 stop at 1 or 3, of bracket 1 at 3,
    // of bracket 2 at 9; bracket 3's first rung (27) is beyond the curves.
    const pruned = study.trials.filter((t) => t.state === 'PRUNED').map((t) => [t.number, lastStep(t)]);
    expect(pruned).toEqual([
      [3, 1],
      [4, 1],
      [5, 1],
      [6, 1],
      [7, 3],
      [8, 1],
      [10, 1],
      [13, 3],
      [14, 3],
      [15, 3],
      [17, 1],
      [18, 3],
      [19, 1],
      [20, 1],
      [21, 3],
      [22, 1],
      [24, 3],
      [25, 1],
      [26, 9],
      [27, 3],
      [28, 3],
      [29, 1],
      [31, 3],
      [32, 1],
      [33, 9],
      [35, 3],
      [38, 1],
    ]);
    expect(study.trials.filter((t) => bracketOf(t.number) === 3).every((t) => t.state === 'COMPLETE')).toBe(
      true,
    );
    expect(study.bestTrial.number).toBe(37);
  });
});
