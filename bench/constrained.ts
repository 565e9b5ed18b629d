/**
 * Constrained single-objective benchmark: four problems from the constrained Bayesian-optimization literature,
 * every sampler × seed, `--trials` (50) sequential trials in memory, constraints given to the study as
 * constraintsFunc (≤ 0 feasible). The figure is the regret of the best FEASIBLE trial among the first n
 * (∞ while none is feasible), medians over the seeds, with the median share of feasible trials.
 *
 * `gp-blind` is the GP without the constraints (the study has no constraintsFunc, feasibility is judged here):
 * the GpSampler before it modelled constraints for one objective. Optuna has no reference figures for these
 * problems in ../shared/bench; they compare our samplers with one another.
 *
 *   npm run bench:constrained [-- --problems gramacy,spring --samplers gp,tpe --seeds 0-9 --trials 50]
 */
import {
  AutoSampler,
  createStudy,
  GpSampler,
  NopPruner,
  RandomSampler,
  TpeSampler,
  type Sampler,
  type Trial,
} from '@tuneforge/core';
import { listArg, parseArgs, seedsArg } from './lib/args';
import { runMeta } from './lib/run-meta';
import { median } from './lib/stats';
import { fmt, renderMarkdown, renderTable } from './lib/table';

interface ConstrainedProblem {
  name: string;
  /** The best feasible value (from the literature, or a dense grid where noted). */
  optimum: number;
  /** Suggests the parameters and returns the objective and the constraint values (≤ 0 holds). */
  evaluate(trial: Trial): { value: number; constraints: number[] };
}

const PROBLEMS: readonly ConstrainedProblem[] = [
  {
    // Gramacy et al. (2016): a linear objective, a sinusoidal and a circular constraint; f* near (0.1954,
    // 0.4044): the literature's 0.5998 refined by SLSQP (0.59978805 at (0.19512, 0.40467)).
    name: 'gramacy',
    optimum: 0.59978805,
    evaluate(t) {
      const x1 = t.suggestFloat('x1', 0, 1);
      const x2 = t.suggestFloat('x2', 0, 1);
      return {
        value: x1 + x2,
        constraints: [
          1.5 - x1 - 2 * x2 - 0.5 * Math.sin(2 * Math.PI * (x1 * x1 - 2 * x2)),
          x1 * x1 + x2 * x2 - 1.5,
        ],
      };
    },
  },
  {
    // Gelbart et al. (2014): Branin inside a disc that excludes one of its three minima.
    name: 'branin_disc',
    optimum: 0.397887,
    evaluate(t) {
      const x1 = t.suggestFloat('x1', -5, 10);
      const x2 = t.suggestFloat('x2', 0, 15);
      const b = 5.1 / (4 * Math.PI * Math.PI);
      const c = 5 / Math.PI;
      const value = (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
      return { value, constraints: [(x1 - 2.5) ** 2 + (x2 - 7.5) ** 2 - 50] };
    },
  },
  {
    // Gardner et al. (2014), simulation 1, on [0, 6]²: f* = −2 at (3π/2, 0), on the edge of the box.
    name: 'gardner',
    optimum: -2,
    evaluate(t) {
      const x = t.suggestFloat('x', 0, 6);
      const y = t.suggestFloat('y', 0, 6);
      return {
        value: Math.cos(2 * x) * Math.cos(y) + Math.sin(x),
        constraints: [Math.cos(x) * Math.cos(y) - Math.sin(x) * Math.sin(y) - 0.5],
      };
    },
  },
  {
    // Tension/compression spring design (Arora 1989): weight under shear, surge and deflection limits; three
    // parameters, four constraints, a small feasible region. f* = 0.0126652 (Coello and Mezura-Montes 2002).
    name: 'spring',
    optimum: 0.0126652,
    evaluate(t) {
      const d = t.suggestFloat('wire', 0.05, 2);
      const D = t.suggestFloat('coil', 0.25, 1.3);
      const n = t.suggestFloat('coils', 2, 15);
      return {
        value: (n + 2) * D * d * d,
        constraints: [
          1 - (D ** 3 * n) / (71785 * d ** 4),
          (4 * D * D - d * D) / (12566 * (D * d ** 3 - d ** 4)) + 1 / (5108 * d * d) - 1,
          1 - (140.45 * d) / (D * D * n),
          (D + d) / 1.5 - 1,
        ],
      };
    },
  },
];

interface SamplerConfig {
  name: string;
  /** Whether the study gets the constraints (constraintsFunc). */
  constrained: boolean;
  create(seed: number): Sampler;
}

const SAMPLERS: readonly SamplerConfig[] = [
  { name: 'gp', constrained: true, create: (seed) => new GpSampler({ seed }) },
  { name: 'gp-blind', constrained: false, create: (seed) => new GpSampler({ seed }) },
  { name: 'auto', constrained: true, create: (seed) => new AutoSampler({ seed }) },
  { name: 'tpe', constrained: true, create: (seed) => new TpeSampler({ seed }) },
  { name: 'random', constrained: true, create: (seed) => new RandomSampler({ seed }) },
];

/** Best feasible value among the first n trials, for each checkpoint n, and the share of feasible trials. */
async function runOne(
  problem: ConstrainedProblem,
  config: SamplerConfig,
  seed: number,
  nTrials: number,
  checkpoints: readonly number[],
): Promise<{ best: number[]; feasibleShare: number; msPerTrial: number }> {
  const constraintsOf = new Map<number, number[]>();
  const study = await createStudy({
    direction: 'minimize',
    sampler: config.create(seed),
    pruner: new NopPruner(),
    ...(config.constrained ? { constraintsFunc: (t) => constraintsOf.get(t.number) ?? [] } : {}),
  });
  const started = performance.now();
  await study.optimize(
    (t) => {
      const { value, constraints } = problem.evaluate(t);
      constraintsOf.set(t.number, constraints);
      return value;
    },
    { nTrials },
  );
  const msPerTrial = (performance.now() - started) / nTrials;
  const trials = study.trials.filter((t) => t.state === 'COMPLETE');
  const feasible = trials.map((t) => constraintsOf.get(t.number)!.every((c) => c <= 0));
  const best = checkpoints.map((n) => {
    let b = Infinity;
    trials.forEach((t, i) => {
      if (t.number < n && feasible[i]) b = Math.min(b, t.values![0]);
    });
    return b - problem.optimum;
  });
  return { best, feasibleShare: feasible.filter(Boolean).length / trials.length, msPerTrial };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const problems = listArg(
    args.get('problems'),
    PROBLEMS.map((p) => p.name),
    'problem',
  ).map((n) => PROBLEMS.find((p) => p.name === n)!);
  const samplers = listArg(
    args.get('samplers'),
    SAMPLERS.map((s) => s.name),
    'sampler',
  ).map((n) => SAMPLERS.find((s) => s.name === n)!);
  const seeds = seedsArg(args.get('seeds'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const nTrials = Number(args.get('trials') ?? 50);
  if (!Number.isInteger(nTrials) || nTrials < 2) throw new Error(`--trials: an integer ≥ 2, got ${nTrials}`);
  const checkpoints = [Math.floor(nTrials / 2), nTrials];
  const started = new Date();

  const headers = [
    'problem',
    'sampler',
    ...checkpoints.map((n) => `regret @${n}`),
    'feasible share',
    'ms/trial',
  ];
  const rows: string[][] = [];
  for (const problem of problems) {
    for (const config of samplers) {
      const runs: Awaited<ReturnType<typeof runOne>>[] = [];
      for (const seed of seeds) runs.push(await runOne(problem, config, seed, nTrials, checkpoints));
      rows.push([
        problem.name,
        config.name,
        ...checkpoints.map((_, k) => fmt(median(runs.map((r) => r.best[k])))),
        fmt(median(runs.map((r) => r.feasibleShare)), 2),
        fmt(median(runs.map((r) => r.msPerTrial)), 2),
      ]);
      console.error(`${problem.name} ${config.name} done`);
    }
  }
  console.log(JSON.stringify({ ...runMeta(started), seeds, nTrials }));
  console.log(args.has('markdown') ? renderMarkdown(headers, rows) : renderTable(headers, rows));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
