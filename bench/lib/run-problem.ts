/** One study of the quality protocols: a problem, a sampler, a seed, 100 trials in memory. */
import { createStudy, NopPruner, TrialPruned, type Pruner, type Sampler, type Trial } from '@tuneforge/core';
import { getBuiltinProblem, suggestProblemParams } from '@tuneforge/sandbox';

export interface QualityRun {
  seed: number;
  best: number;
  regret: number;
  /** Best value after 10, 20, 50 and all trials. */
  anytimeBest: Record<string, number>;
  nComplete: number;
  wallMs: number;
  bestParams: Record<string, string | number | boolean | null>;
}

export interface PruningRun extends QualityRun {
  /** Sum over trials of the last step each reported. */
  totalSteps: number;
  nPruned: number;
}

const ANYTIME = [10, 20, 50];

/**
 * Runs `nTrials` trials of `problemName` and records the best COMPLETE value. `batch` = 1 is the sequential
 * protocol; a larger batch is the batch protocol of bench/suite/README.md: ask `batch` trials (each suggests
 * its parameters, so the later ones see the earlier ones RUNNING), evaluate them, then tell them all.
 */
export async function runQuality(
  problemName: string,
  sampler: Sampler,
  seed: number,
  nTrials: number,
  batch = 1,
): Promise<QualityRun> {
  const problem = getBuiltinProblem(problemName);
  const study = await createStudy({ direction: 'minimize', sampler, pruner: new NopPruner() });
  const started = performance.now();
  const anytimeBest: Record<string, number> = {};
  let best = Infinity;
  let count = 0;
  for (let asked = 0; asked < nTrials;) {
    const size = Math.min(batch, nTrials - asked);
    const evaluations: { trial: Trial; value: number }[] = [];
    for (let i = 0; i < size; i++) {
      const trial = await study.ask();
      // The next ask sees this trial RUNNING with every parameter suggested (Study.ask shows the sampler
      // its process's running trials as they are, whether or not their writes have reached storage).
      evaluations.push({ trial, value: problem.evaluate(suggestProblemParams(trial, problem)) });
    }
    asked += size;
    for (const { trial, value } of evaluations) {
      const t = await study.tell(trial, value);
      count++;
      if (t.state === 'COMPLETE' && t.values![0] < best) best = t.values![0];
      if (ANYTIME.includes(count)) anytimeBest[count] = best;
    }
  }
  const wallMs = performance.now() - started;
  anytimeBest[nTrials] = best;
  const complete = study.trials.filter((t) => t.state === 'COMPLETE');
  return {
    seed,
    best,
    regret: best - problem.optimum,
    anytimeBest,
    nComplete: complete.length,
    wallMs,
    bestParams: { ...study.bestParams },
  };
}

/**
 * The pruning protocol: each trial reports loss(t) for t = 1..maxSteps and asks the pruner after each
 * step; best = min loss(maxSteps) over COMPLETE trials, steps = sum of the last step of every trial.
 */
export async function runPruning(
  problemName: string,
  sampler: Sampler,
  pruner: Pruner,
  seed: number,
  nTrials: number,
): Promise<PruningRun> {
  const problem = getBuiltinProblem(problemName);
  if (!problem.curve || !problem.maxSteps) throw new Error(`${problemName} reports no intermediate values`);
  const curve = problem.curve;
  const maxSteps = problem.maxSteps;
  const study = await createStudy({ direction: 'minimize', sampler, pruner });
  const started = performance.now();
  let totalSteps = 0;
  await study.optimize(
    async (trial: Trial) => {
      const params = suggestProblemParams(trial, problem);
      let loss = NaN;
      for (let t = 1; t <= maxSteps; t++) {
        loss = curve(params, t);
        totalSteps++;
        await trial.report(loss, t);
        if (trial.shouldPrune()) throw new TrialPruned();
      }
      return loss;
    },
    { nTrials },
  );
  const wallMs = performance.now() - started;
  const complete = study.trials.filter((t) => t.state === 'COMPLETE');
  const best = Math.min(...complete.map((t) => t.values![0]));
  return {
    seed,
    best,
    regret: best - problem.optimum,
    anytimeBest: { [nTrials]: best },
    nComplete: complete.length,
    wallMs,
    bestParams: complete.length > 0 ? { ...study.bestParams } : {},
    totalSteps,
    nPruned: study.trials.filter((t) => t.state === 'PRUNED').length,
  };
}
