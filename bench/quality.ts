/**
 * Quality benchmark (protocol of bench/suite/README.md): every problem × sampler × seed, 100
 * sequential trials in memory; learning_curve with and without the median pruner. Writes a JSON of
 * results to bench/results/ and prints our figures next to the reference's.
 *
 *   npm run bench:quality [-- --problems branin,logscale --samplers tpe,random --seeds 0-9
 *                             --pruners none,median --out bench/results/quality.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MedianPruner, NopPruner, type Pruner } from '@tuneforge/core';
import { listArg, parseArgs, seedsArg } from './lib/args';
import { runMeta } from './lib/run-meta';
import { qualityReport, type QualityResult } from './lib/quality-report';
import { runPruning, runQuality, type PruningRun, type QualityRun } from './lib/run-problem';
import { summarize } from './lib/stats';
import { loadSuite } from './lib/suite';
import { SAMPLER_CONFIGS, samplerConfig } from './sampler-configs';

const PRUNERS: Record<string, { settings: string; create: () => Pruner }> = {
  none: { settings: 'NopPruner()', create: () => new NopPruner() },
  median: {
    settings: 'new MedianPruner() (defaults: nStartupTrials 5, nWarmupSteps 0, intervalSteps 1)',
    create: () => new MedianPruner(),
  },
};

/** Seeds whose best is within this much of f* count as reaching the optimum (model_select's trap costs 0.02). */
const HIT_TOLERANCE = 0.01;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const suite = loadSuite();
  const problems = listArg(
    args.get('problems'),
    suite.problems.map((p) => p.name),
    'problem',
  );
  const samplers = listArg(
    args.get('samplers'),
    SAMPLER_CONFIGS.map((s) => s.name),
    'sampler',
  );
  const seeds = seedsArg(args.get('seeds'), suite.seeds);
  const pruners = listArg(args.get('pruners'), Object.keys(PRUNERS), 'pruner');
  const started = new Date();
  const out =
    args.get('out') ??
    join(__dirname, 'results', `quality-${started.toISOString().replace(/[:.]/g, '-')}.json`);

  const results: QualityResult[] = [];
  for (const problemName of problems) {
    const problem = suite.problems.find((p) => p.name === problemName)!;
    const nTrials = problem.budget.trials;
    const pruning = problem.category === 'pruning';
    for (const samplerName of samplers) {
      const config = samplerConfig(samplerName);
      if (!config.applies(problem)) continue;
      for (const prunerName of pruning ? pruners : ['none']) {
        const t0 = performance.now();
        const runs: (QualityRun | PruningRun)[] = [];
        for (const seed of seeds) {
          const sampler = config.create(seed);
          runs.push(
            pruning
              ? await runPruning(problemName, sampler, PRUNERS[prunerName].create(), seed, nTrials)
              : await runQuality(problemName, sampler, seed, nTrials),
          );
        }
        const regrets = runs.map((r) => r.regret);
        const result: QualityResult = {
          problem: problemName,
          sampler: samplerName,
          pruner: prunerName,
          f_star: problem.optimum.value,
          budget_trials: nTrials,
          best: summarize(runs.map((r) => r.best)),
          regret: summarize(regrets),
          hits: regrets.filter((r) => r <= HIT_TOLERANCE).length,
          wall_s: (performance.now() - t0) / 1000,
          per_seed: runs,
        };
        if (pruning) {
          result.total_steps = summarize(runs.map((r) => (r as PruningRun).totalSteps));
          result.n_pruned = summarize(runs.map((r) => (r as PruningRun).nPruned));
        }
        results.push(result);
        process.stderr.write(
          `${problemName} ${samplerName}${pruning ? ` + ${prunerName}` : ''}: median regret ` +
            `${result.regret.median.toPrecision(3)} (${result.wall_s.toFixed(1)} s)\n`,
        );
      }
    }
  }

  const meta = {
    ...runMeta(started),
    total_wall_s: (Date.now() - started.getTime()) / 1000,
    seeds,
    storage: 'in-memory',
    hit_tolerance: HIT_TOLERANCE,
    samplers: Object.fromEntries(samplers.map((s) => [s, samplerConfig(s).settings])),
    pruners: Object.fromEntries(pruners.map((p) => [p, PRUNERS[p].settings])),
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ meta, results }, null, 1));
  console.log(qualityReport(results, args.get('markdown') === 'true'));
  console.log(`\nresults: ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
