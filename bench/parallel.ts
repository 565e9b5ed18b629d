/**
 * Quality under parallel workers (the batch protocol of bench/suite/README.md): every problem × sampler × B ×
 * seed, 100 trials asked B at a time (each sees the earlier ones of its batch RUNNING), then told together.
 * Writes every per-seed regret to bench/results/ and prints ours by B, ours beside Optuna 5.0dev at the same B,
 * the degradation against B = 1 and the acceptance lines.
 *
 *   npm run bench:parallel [-- --suite public|validation|both --problems sphere5,branin --samplers auto,gp
 *                              --batches 1,8,16 --seeds 0-9|0-4|ref --out bench/results/p.json --markdown]
 *   npm run bench:parallel -- --from a.json,b.json [--seeds ref --suite ... --samplers ...]   (re-print only)
 *
 * `--seeds ref` is 0-4, the seeds of Optuna's batch references; with --from it keeps only those seeds' runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listArg, parseArgs, seedsArg } from './lib/args';
import { runMeta } from './lib/run-meta';
import { batchResult, loadBatchResults, selectSeeds, type BatchResult } from './lib/batch-results';
import { batchProblems, parallelReport, REGRET_FLOOR } from './lib/parallel-report';
import { runQuality, type QualityRun } from './lib/run-problem';
import { loadSuite, SUITE_NAMES, type SuiteName } from './lib/suite';
import { SAMPLER_CONFIGS, samplerConfig } from './sampler-configs';

const DEFAULT_SAMPLERS = 'auto,gp,tpe,cmaes';
const DEFAULT_BATCHES = '1,4,8,16,32';
/** The seeds of optuna-5.0dev-batch.json and of the B = 8 figures of optuna-5.0dev-validation.json. */
const REFERENCE_SEEDS = [0, 1, 2, 3, 4];

function suitesArg(value: string | undefined): SuiteName[] {
  if (value === 'both') return [...SUITE_NAMES];
  return listArg(value ?? 'public', SUITE_NAMES, 'suite (or both)') as SuiteName[];
}

function batchesArg(value: string | undefined): number[] {
  const batches = (value ?? DEFAULT_BATCHES).split(',').map((s) => Number(s.trim()));
  const bad = batches.find((b) => !Number.isInteger(b) || b < 1);
  if (bad !== undefined) throw new Error(`--batches: expected integers >= 1 such as 1,8,16, got ${value}`);
  return batches;
}

async function runGrid(args: Map<string, string>, suites: SuiteName[], out: string): Promise<BatchResult[]> {
  const problems = listArg(args.get('problems'), suites.flatMap(batchProblems), 'problem');
  const samplers = listArg(
    args.get('samplers') ?? DEFAULT_SAMPLERS,
    SAMPLER_CONFIGS.map((s) => s.name),
    'sampler',
  );
  const batches = batchesArg(args.get('batches'));
  const seedsOption = args.get('seeds');
  const started = new Date();
  const results: BatchResult[] = [];
  const meta = {
    ...runMeta(started),
    protocol:
      'batch protocol of bench/suite/README.md: ask B (each suggests its params), evaluate, tell all B',
    suites,
    batches,
    storage: 'in-memory',
    regret_floor_for_ratios: REGRET_FLOOR,
    samplers: Object.fromEntries(samplers.map((s) => [s, samplerConfig(s).settings])),
  };
  mkdirSync(dirname(out), { recursive: true });
  for (const suiteName of suites) {
    const suite = loadSuite(suiteName);
    const seeds = seedsOption === 'ref' ? REFERENCE_SEEDS : seedsArg(seedsOption, suite.seeds);
    for (const problem of suite.problems.filter((p) => problems.includes(p.name))) {
      for (const samplerName of samplers) {
        const config = samplerConfig(samplerName);
        if (!config.applies(problem)) continue;
        for (const batch of batches) {
          const t0 = performance.now();
          const runs: QualityRun[] = [];
          for (const seed of seeds) {
            runs.push(
              await runQuality(problem.name, config.create(seed), seed, problem.budget.trials, batch),
            );
          }
          const key = {
            suite: suiteName,
            problem: problem.name,
            sampler: samplerName,
            batch,
            f_star: problem.optimum.value,
            budget_trials: problem.budget.trials,
          };
          const result = batchResult(key, runs, (performance.now() - t0) / 1000);
          results.push(result);
          // Saved after every cell, so a long grid that stops keeps what it measured.
          writeFileSync(out, JSON.stringify({ meta: { ...meta, finished: false }, results }, null, 1));
          process.stderr.write(
            `${suiteName} ${problem.name} ${samplerName} B=${batch}: median regret ` +
              `${result.regret.median.toPrecision(3)} (${result.wall_s.toFixed(1)} s)\n`,
          );
        }
      }
    }
  }
  const total = { finished: true, total_wall_s: (Date.now() - started.getTime()) / 1000 };
  writeFileSync(out, JSON.stringify({ meta: { ...meta, ...total }, results }, null, 1));
  return results;
}

/** --from: saved results, narrowed by whichever of --suite, --problems, --samplers, --batches, --seeds is given. */
function fromFiles(args: Map<string, string>): BatchResult[] {
  let results = loadBatchResults(args.get('from')!.split(','));
  if (args.has('suite')) {
    const suites = suitesArg(args.get('suite'));
    results = results.filter((r) => suites.includes(r.suite));
  }
  const filters: [string, (r: BatchResult) => string][] = [
    ['problems', (r) => r.problem],
    ['samplers', (r) => r.sampler],
    ['batches', (r) => String(r.batch)],
  ];
  for (const [option, field] of filters) {
    const wanted = args.get(option)?.split(',');
    if (wanted) results = results.filter((r) => wanted.includes(field(r)));
  }
  const seeds = args.get('seeds');
  if (seeds) results = selectSeeds(results, seeds === 'ref' ? REFERENCE_SEEDS : seedsArg(seeds, []));
  return results;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const markdown = args.get('markdown') === 'true';
  if (args.has('from')) {
    console.log(parallelReport(fromFiles(args), markdown));
    return;
  }
  const out =
    args.get('out') ??
    join(__dirname, 'results', `parallel-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const results = await runGrid(args, suitesArg(args.get('suite')), out);
  console.log(parallelReport(results, markdown));
  console.log(`\nresults: ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
