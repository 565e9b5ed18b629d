/**
 * Results of the batch protocol (bench:parallel): one per (suite, problem, sampler, B) with every seed's run,
 * saved as JSON so that tables can be re-printed, and combined across runs, without rerunning.
 */
import { readFileSync } from 'node:fs';
import type { QualityRun } from './run-problem';
import { summarize, type Summary } from './stats';
import type { SuiteName } from './suite';

export interface BatchResult {
  suite: SuiteName;
  problem: string;
  sampler: string;
  /** Trials asked before any is told (B); 1 is the sequential protocol. */
  batch: number;
  f_star: number;
  budget_trials: number;
  /** The seeds of `per_seed`, ascending. */
  seeds: number[];
  best: Summary;
  regret: Summary;
  wall_s: number;
  per_seed: QualityRun[];
}

export type BatchKey = Pick<
  BatchResult,
  'suite' | 'problem' | 'sampler' | 'batch' | 'f_star' | 'budget_trials'
>;

/** The summaries over `runs`, which are kept sorted by seed. */
export function batchResult(key: BatchKey, runs: readonly QualityRun[], wallS: number): BatchResult {
  const perSeed = [...runs].sort((a, b) => a.seed - b.seed);
  return {
    ...key,
    seeds: perSeed.map((r) => r.seed),
    best: summarize(perSeed.map((r) => r.best)),
    regret: summarize(perSeed.map((r) => r.regret)),
    wall_s: wallS,
    per_seed: perSeed,
  };
}

function keyOf(r: BatchKey): string {
  return `${r.suite}|${r.problem}|${r.sampler}|${r.batch}`;
}

/**
 * Reads saved `{ results }` files. A (suite, problem, sampler, B) present in several files is merged seed by
 * seed (a later file's run of a seed replaces an earlier one's), so seeds 0-4 and 5-9 run apart make 0-9.
 */
export function loadBatchResults(files: readonly string[]): BatchResult[] {
  const merged = new Map<string, { key: BatchKey; runs: Map<number, QualityRun>; wallS: number }>();
  for (const file of files) {
    let parsed: { results?: BatchResult[] };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as { results?: BatchResult[] };
    } catch (e) {
      throw new Error(`--from: cannot read ${file}: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed.results) || parsed.results.some((r) => typeof r.batch !== 'number')) {
      throw new Error(`--from: ${file} is not a bench:parallel result file (no results with a batch)`);
    }
    for (const r of parsed.results) {
      const entry = merged.get(keyOf(r)) ?? { key: r, runs: new Map<number, QualityRun>(), wallS: 0 };
      for (const run of r.per_seed) entry.runs.set(run.seed, run);
      entry.wallS += r.wall_s;
      merged.set(keyOf(r), entry);
    }
  }
  return [...merged.values()].map(({ key, runs, wallS }) =>
    batchResult(
      {
        suite: key.suite,
        problem: key.problem,
        sampler: key.sampler,
        batch: key.batch,
        f_star: key.f_star,
        budget_trials: key.budget_trials,
      },
      [...runs.values()],
      wallS,
    ),
  );
}

/** The same results over `seeds` only (e.g. the references' 0-4); results left with no seed are dropped. */
export function selectSeeds(results: readonly BatchResult[], seeds: readonly number[]): BatchResult[] {
  return results.flatMap((r) => {
    const runs = r.per_seed.filter((run) => seeds.includes(run.seed));
    return runs.length === 0 ? [] : [batchResult(r, runs, r.wall_s)];
  });
}

/** Seeds as ranges: [0, 1, 2, 3, 4, 7] -> "0-4,7". */
export function formatSeeds(seeds: readonly number[]): string {
  const sorted = [...new Set(seeds)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The seeds a set of results uses: one list when they agree, else every distinct list. */
export function describeSeeds(results: readonly BatchResult[]): string {
  const lists = [...new Set(results.map((r) => formatSeeds(r.seeds)))];
  if (lists.length === 0) return 'none';
  return lists.length === 1 ? lists[0] : `varies (${lists.join(' / ')})`;
}
