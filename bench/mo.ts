/**
 * Multi-objective benchmark (protocol of bench/suite/suite-mo.json): every problem × sampler × seed, 200
 * sequential trials in memory, all objectives minimized, constraints given to the study as constraintsFunc.
 * At 50, 100 and 200 trials: HV regret = true hypervolume − exact hypervolume of the COMPLETE feasible trials
 * among the first n. Writes the per-seed figures to bench/results/ and prints the medians beside Optuna's
 * (bench/suite/reference/optuna-mo.json).
 *
 * `--batch B` (B > 1) runs the batch protocol of bench/suite/README.md instead: B trials asked (each
 * suggests its params, so the later ones see the earlier ones RUNNING), then evaluated and told together.
 * Optuna has no multi-objective batch figures; issue 16's bar is its sequential figure × 1.5, which the
 * table then shows in place of the sequential one.
 *
 *   npm run bench:mo [-- --problems zdt1,binh_korn --samplers random,nsga2 --seeds 0-9 --batch 8 --trials 100
 *                        --out bench/results/mo.json --markdown]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  createStudy,
  hypervolume,
  NopPruner,
  AutoSampler,
  GpSampler,
  multivariateGamma,
  NsgaIISampler,
  NsgaIIISampler,
  RandomSampler,
  TpeSampler,
  type Sampler,
  type Trial,
} from '@tuneforge/core';
import { listArg, parseArgs, seedsArg } from './lib/args';
import { loadMoSuite, moProblem, type MoSuiteProblem } from './lib/mo-problems';
import { bestMoReference, moReference, moReferenceMeta, type MoReferenceVersion } from './lib/mo-reference';
import { runMeta } from './lib/run-meta';
import { median, summarize, type Summary } from './lib/stats';
import { fmt, renderMarkdown, renderTable } from './lib/table';

interface MoSamplerConfig {
  name: string;
  settings: string;
  /** Optuna's sampler of the same name in optuna-mo.json. */
  reference: string;
  create(seed: number): Sampler;
}

/** γ = ⌈0.1 n⌉, not capped (Optuna 5.0dev's default with several objectives). */
const gamma10 = (n: number) => Math.ceil(0.1 * n);
/** γ = min(⌈0.1 n⌉, 25) (Optuna 3.1's). */
const gamma10Capped = (n: number) => Math.min(Math.ceil(0.1 * n), 25);
/** γ = ⌈0.2 n⌉, not capped. */
const gamma20 = (n: number) => Math.ceil(0.2 * n);
/** γ = ⌈0.15 n⌉, not capped. */
const gamma15 = (n: number) => Math.ceil(0.15 * n);

/**
 * MOTPE settings compared with the defaults (issue 16: MOTPE against Optuna's TPE), each spelled out in full so
 * that its figures do not move with the defaults: m = multivariate, u = one parameter at a time; g10 = γ ⌈0.1 n⌉,
 * g10c = min(⌈0.1 n⌉, 25); uniform or hv (hypervolume-contribution) weights in l(x).
 */
const MOTPE_VARIANTS: readonly MoSamplerConfig[] = (
  [
    ['tpe-uni-g10-uniform', 'u, g10, uniform (Optuna 5.0dev)', false, gamma10, 'uniform', {}],
    ['tpe-uni-g10-hv', 'u, g10, hv', false, gamma10, 'hypervolume', {}],
    ['tpe-uni-g10c-hv', 'u, g10c, hv (Optuna 3.1)', false, gamma10Capped, 'hypervolume', {}],
    ['tpe-uni-g15-uniform', 'u, ⌈0.15 n⌉, uniform', false, gamma15, 'uniform', {}],
    ['tpe-uni-g20-uniform', 'u, ⌈0.2 n⌉, uniform', false, gamma20, 'uniform', {}],
    ['tpe-mv-g10-uniform', 'm, g10, uniform', true, gamma10, 'uniform', {}],
    ['tpe-mv-g10-hv', 'm, g10, hv', true, gamma10, 'hypervolume', {}],
    ['tpe-mv-g15-uniform', 'm, ⌈0.15 n⌉, uniform', true, gamma15, 'uniform', {}],
    ['tpe-mv-g20-uniform', 'm, ⌈0.2 n⌉, uniform', true, gamma20, 'uniform', {}],
    ['tpe-mv-g20-hv', 'm, ⌈0.2 n⌉, hv', true, gamma20, 'hypervolume', {}],
    [
      'tpe-mv-g10-uniform-bw02',
      'm, g10, uniform, bandwidthFactor 0.2',
      true,
      gamma10,
      'uniform',
      { bandwidthFactor: 0.2 },
    ],
    [
      'tpe-mv-g10-uniform-bw005',
      'm, g10, uniform, bandwidthFactor 0.05',
      true,
      gamma10,
      'uniform',
      { bandwidthFactor: 0.05 },
    ],
    [
      'tpe-mv-g10-uniform-ei48',
      'm, g10, uniform, nEiCandidates 48',
      true,
      gamma10,
      'uniform',
      { nEiCandidates: 48 },
    ],
    [
      'tpe-previous',
      'm, min(⌈0.2 n⌉, 25), hv: the defaults for several objectives before 2026-12-03',
      true,
      multivariateGamma,
      'hypervolume',
      {},
    ],
  ] as const
).map(([name, settings, multivariate, gamma, multiObjectiveWeights, extra]) => ({
  name,
  settings: `new TpeSampler({ seed, ... }): ${settings}`,
  reference: 'tpe',
  create: (seed: number) =>
    new TpeSampler({
      seed,
      warnIndependentSampling: false,
      multivariate,
      gamma,
      multiObjectiveWeights,
      ...extra,
    }),
}));

const MO_SAMPLERS: readonly MoSamplerConfig[] = [
  {
    name: 'random',
    settings: 'new RandomSampler({ seed })',
    reference: 'random',
    create: (seed) => new RandomSampler({ seed }),
  },
  {
    name: 'nsga2',
    settings:
      "new NsgaIISampler({ seed }) (defaults: populationSize 20, crossover 'uniform', crossoverProb 0.9, swappingProb 0.5, mutationProb 1/n)",
    reference: 'nsga2',
    create: (seed) => new NsgaIISampler({ seed }),
  },
  {
    name: 'nsga2-pop50',
    settings:
      "new NsgaIISampler({ seed, populationSize: 50 }) (Optuna's population size; the default until 2026-12-04)",
    reference: 'nsga2',
    create: (seed) => new NsgaIISampler({ seed, populationSize: 50 }),
  },
  {
    name: 'nsga3',
    settings:
      "new NsgaIIISampler({ seed }) (defaults: Das–Dennis reference points with dividingParameter 3, populationSize from them (20 for 2 to 4 objectives, as NSGA-II's), crossover 'uniform', crossoverProb 0.9, swappingProb 0.5, mutationProb 1/n)",
    reference: 'nsga3',
    create: (seed) => new NsgaIIISampler({ seed }),
  },
  {
    name: 'nsga3-pop50',
    settings:
      "new NsgaIIISampler({ seed, populationSize: 50 }) (Optuna's population size; the default until 2026-12-04)",
    reference: 'nsga3',
    create: (seed) => new NsgaIIISampler({ seed, populationSize: 50 }),
  },
  {
    name: 'tpe',
    settings:
      'new TpeSampler({ seed }) (defaults; several objectives: MOTPE, split by non-domination rank and hypervolume, uniform weights in l(x); two objectives jointly with γ = ⌈0.1n⌉, three or more one parameter at a time with γ = min(⌈0.2n⌉, 50))',
    reference: 'tpe',
    create: (seed) => new TpeSampler({ seed }),
  },
  ...MOTPE_VARIANTS,
  {
    name: 'gp',
    settings:
      'new GpSampler({ seed }) (defaults; several objectives: one GP per objective and constraint, closed-form log EHVI times the probability of feasibility)',
    reference: 'gp',
    create: (seed) => new GpSampler({ seed }),
  },
  {
    name: 'auto',
    settings: 'new AutoSampler({ seed }) (the default sampler)',
    reference: 'tpe',
    create: (seed) => new AutoSampler({ seed }),
  },
  ...(['sbx', 'blxalpha', 'spx', 'undx', 'vsbx'] as const).map((crossover) => ({
    name: `nsga2-${crossover}`,
    settings: `new NsgaIISampler({ seed, crossover: '${crossover}' }) (other options at their defaults)`,
    reference: 'nsga2',
    create: (seed: number) => new NsgaIISampler({ seed, crossover }),
  })),
];

interface MoRun {
  seed: number;
  /** Hypervolume regret at each checkpoint. */
  regret: Record<string, number>;
  nFeasible: number;
  wallMs: number;
}

interface MoResult {
  problem: string;
  sampler: string;
  true_hv: number;
  reference_point: number[];
  regret: Record<string, Summary>;
  s_per_trial: number;
  per_seed: MoRun[];
}

/**
 * One study: the problem's params suggested in order, its values told, its constraints given to the study.
 * `batch` trials are asked before any is told (1: sequential).
 */
async function runMo(
  problem: MoSuiteProblem,
  sampler: Sampler,
  seed: number,
  checkpoints: number[],
  batch: number,
): Promise<MoRun> {
  const f = moProblem(problem.name);
  const constrained = problem.constraints.length > 0;
  const study = await createStudy({
    directions: Array.from({ length: problem.n_objectives }, () => 'minimize' as const),
    sampler,
    pruner: new NopPruner(),
    ...(constrained ? { constraintsFunc: (t) => f.constraints(t.params as Record<string, number>) } : {}),
  });
  const nTrials = Math.max(...checkpoints);
  const feasiblePoints: { number: number; values: number[] }[] = [];
  const started = performance.now();
  for (let asked = 0; asked < nTrials;) {
    const size = Math.min(batch, nTrials - asked);
    const evaluations: { trial: Trial; x: Record<string, number>; values: number[] }[] = [];
    for (let i = 0; i < size; i++) {
      const trial = await study.ask();
      const x: Record<string, number> = {};
      for (const p of problem.params) x[p.name] = trial.suggestFloat(p.name, p.low, p.high, { log: p.log });
      evaluations.push({ trial, x, values: f.values(x) });
    }
    asked += size;
    for (const { trial, x, values } of evaluations) {
      const told = await study.tell(trial, values);
      if (told.state === 'COMPLETE' && f.constraints(x).every((c) => c <= 0)) {
        feasiblePoints.push({ number: told.number, values });
      }
    }
  }
  const wallMs = performance.now() - started;
  const regret: Record<string, number> = {};
  for (const n of checkpoints) {
    const points = feasiblePoints.filter((p) => p.number < n).map((p) => p.values);
    regret[n] = problem.true_hypervolume.value - hypervolume(points, problem.reference_point);
  }
  return { seed, regret, nFeasible: feasiblePoints.length, wallMs };
}

/** Issue 16's bar at batch B > 1: Optuna's sequential figure times this. */
const BATCH_BAR_FACTOR = 1.5;

/** Optuna's median at a checkpoint, times `factor` (the bar: 1 sequentially). */
function referenceCell(
  problem: string,
  sampler: string,
  version: MoReferenceVersion,
  n: number,
  factor: number,
): string {
  const median = moReference(problem, sampler, version)?.hv_regret[String(n)]?.median;
  return fmt(median === undefined ? undefined : median * factor);
}

function report(
  results: readonly MoResult[],
  checkpoints: number[],
  markdown: boolean,
  batch: number,
): string {
  const render = markdown ? renderMarkdown : renderTable;
  const factor = batch > 1 ? BATCH_BAR_FACTOR : 1;
  const bar = batch > 1 ? ` ×${BATCH_BAR_FACTOR}` : '';
  const headers = [
    'problem',
    'sampler',
    ...checkpoints.map((n) => (batch > 1 ? `ours B=${batch} @${n}` : `ours @${n}`)),
    ...checkpoints.map((n) => `Optuna 5.0dev${bar} @${n}`),
    `Optuna 3.1${bar} @${checkpoints[checkpoints.length - 1]}`,
    ...checkpoints.slice(1).map((n) => `best Optuna${bar} @${n}`),
    'ms/trial',
  ];
  const rows = results.map((r) => {
    const config = MO_SAMPLERS.find((s) => s.name === r.sampler)!;
    return [
      r.problem,
      r.sampler,
      ...checkpoints.map((n) => fmt(r.regret[n].median)),
      ...checkpoints.map((n) => referenceCell(r.problem, config.reference, '5.0dev', n, factor)),
      referenceCell(r.problem, config.reference, '3.1', checkpoints[checkpoints.length - 1], factor),
      ...checkpoints.slice(1).map((n) => {
        const best = bestMoReference(r.problem, n);
        return best ? `${fmt(best.median * factor)} (${best.label})` : '—';
      }),
      fmt(r.s_per_trial * 1000),
    ];
  });
  return [
    'Median hypervolume regret (true HV − HV of the feasible trials among the first n; lower is better).',
    "Optuna columns: the sampler of the same name (nsga2-<crossover> beside Optuna's nsga2); best Optuna = lowest median of any",
    'Optuna sampler and version at that checkpoint (its GP ran 100 trials, seeds 0–4).',
    ...(batch > 1
      ? [
          `Batch protocol, B = ${batch}; Optuna has no batch figures: its columns are the sequential medians × ${BATCH_BAR_FACTOR} (issue 16's bar).`,
        ]
      : []),
    '',
    render(headers, rows),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const suite = loadMoSuite();
  const problems = listArg(
    args.get('problems'),
    suite.problems.map((p) => p.name),
    'problem',
  );
  const samplers = listArg(
    args.get('samplers'),
    MO_SAMPLERS.map((s) => s.name),
    'sampler',
  );
  const seeds = seedsArg(args.get('seeds'), suite.seeds);
  const batch = batchArg(args.get('batch'));
  const checkpoints = checkpointsArg(args.get('trials'), suite.protocol.checkpoints);
  const started = new Date();
  const out =
    args.get('out') ??
    join(
      __dirname,
      'results',
      `mo-${batch > 1 ? `b${batch}-` : ''}${started.toISOString().replace(/[:.]/g, '-')}.json`,
    );

  const results: MoResult[] = [];
  for (const name of problems) {
    const problem = suite.problems.find((p) => p.name === name)!;
    for (const samplerName of samplers) {
      const config = MO_SAMPLERS.find((s) => s.name === samplerName)!;
      const runs: MoRun[] = [];
      for (const seed of seeds)
        runs.push(await runMo(problem, config.create(seed), seed, checkpoints, batch));
      const result: MoResult = {
        problem: name,
        sampler: samplerName,
        true_hv: problem.true_hypervolume.value,
        reference_point: problem.reference_point,
        regret: Object.fromEntries(checkpoints.map((n) => [n, summarize(runs.map((r) => r.regret[n]))])),
        s_per_trial: median(runs.map((r) => r.wallMs / 1000 / Math.max(...checkpoints))),
        per_seed: runs,
      };
      results.push(result);
      process.stderr.write(
        `${name} ${samplerName}${batch > 1 ? ` B=${batch}` : ''}: median HV regret ${checkpoints.map((n) => `@${n} ${fmt(result.regret[n].median)}`).join(', ')}\n`,
      );
    }
  }

  const meta = {
    ...runMeta(started),
    total_wall_s: (Date.now() - started.getTime()) / 1000,
    seeds,
    checkpoints,
    storage: 'in-memory',
    ...(batch > 1
      ? { batch, protocol: 'batch protocol of bench/suite/README.md: ask B, evaluate, tell all B' }
      : {}),
    samplers: Object.fromEntries(samplers.map((s) => [s, MO_SAMPLERS.find((c) => c.name === s)!.settings])),
    reference: moReferenceMeta().optuna_latest,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ meta, results }, null, 1));
  console.log(report(results, checkpoints, args.get('markdown') === 'true', batch));
  console.log(`\nseeds ${seeds.join(',')}; results: ${out}`);
}

/** `--batch B`: trials asked before any is told; 1 (sequential) when absent. */
/**
 * The suite's checkpoints up to `--trials` (one of them; default: all, so the suite's budget): `--trials 100`
 * stops at 100 trials, the budget Optuna's GP ran, so that the ms/trial column compares like with like.
 */
function checkpointsArg(value: string | undefined, all: readonly number[]): number[] {
  if (value === undefined) return [...all];
  const trials = Number(value);
  if (!all.includes(trials))
    throw new Error(`--trials: expected one of the checkpoints ${all.join(', ')}, got ${value}`);
  return all.filter((n) => n <= trials);
}

function batchArg(value: string | undefined): number {
  if (value === undefined) return 1;
  const batch = Number(value);
  if (!Number.isInteger(batch) || batch < 1)
    throw new Error(`--batch: expected an integer >= 1 such as 8, got ${value}`);
  return batch;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
