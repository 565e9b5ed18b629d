/** The reference figures of `bench/suite/reference/*.json` (Optuna 3.1.0 and the 5.0 development head). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUITE_DIR, type SuiteName } from './suite';
import type { Summary } from './stats';

export const REFERENCE_VERSIONS = ['3.1', '5.0dev'] as const;
export type ReferenceVersion = (typeof REFERENCE_VERSIONS)[number];

export interface ReferenceQuality {
  problem: string;
  sampler: string;
  pruner: string;
  best: Summary;
  regret: Summary;
  total_steps?: Summary;
  per_seed: { seed: number; best: number; regret: number }[];
}

export interface ReferenceOverhead {
  sampler: string;
  space: string;
  n_history: number;
  ask_ms: { median: number };
  ask_tell_ms: { median: number };
}

interface QualityFile {
  meta: Record<string, unknown>;
  results: ReferenceQuality[];
}

interface OverheadFile {
  meta: Record<string, unknown>;
  results: ReferenceOverhead[];
}

const cache = new Map<string, unknown>();

function load<T>(file: string): T {
  if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(join(SUITE_DIR, 'reference', file), 'utf8')));
  return cache.get(file) as T;
}

export function referenceQualityMeta(version: ReferenceVersion): Record<string, unknown> {
  return load<QualityFile>(`optuna-${version}-quality.json`).meta;
}

/** The reference's quality result for (problem, sampler, pruner), or null when it did not run that. */
export function referenceQuality(
  version: ReferenceVersion,
  problem: string,
  sampler: string,
  pruner = 'none',
): ReferenceQuality | null {
  const file = load<QualityFile>(`optuna-${version}-quality.json`);
  return (
    file.results.find((r) => r.problem === problem && r.sampler === sampler && r.pruner === pruner) ?? null
  );
}

/** The reference's median ms per ask+tell for (sampler, space, n), or null. */
export function referenceOverhead(
  version: ReferenceVersion,
  sampler: string,
  space: string,
  n: number,
): number | null {
  const file = load<OverheadFile>(`optuna-${version}-overhead.json`);
  const r = file.results.find((x) => x.sampler === sampler && x.space === space && x.n_history === n);
  return r ? r.ask_tell_ms.median : null;
}

/** A reference figure of the batch protocol: Optuna 5.0dev's median and mean regret over its seeds. */
export interface ReferenceBatch {
  median: number;
  mean: number;
  seeds: number[];
  regrets: number[];
}

interface BatchResultRow {
  problem: string;
  sampler: string;
  batch: number;
  /** How many seeds: both files ran seeds 0..seeds-1 (their descriptions say "seeds 0-4"). */
  seeds: number;
  protocol?: string;
  regret: { median: number; mean: number };
  regrets: number[];
}

/** Which file holds each suite's batch figures; the validation file also holds sequential ones. */
const BATCH_FILES: Record<SuiteName, string> = {
  public: 'optuna-5.0dev-batch.json',
  validation: 'optuna-5.0dev-validation.json',
};

/**
 * Optuna 5.0dev's batch-protocol result for (problem, sampler, B), sampler `gp` or `tpe`, or null when it did
 * not run that (no GP on the conditional problems; no B other than 8 and 16 public, 8 validation).
 */
export function referenceBatch(
  suite: SuiteName,
  problem: string,
  sampler: string,
  batch: number,
): ReferenceBatch | null {
  const rows = load<{ results: BatchResultRow[] }>(BATCH_FILES[suite]).results;
  const r = rows.find(
    (x) =>
      x.problem === problem &&
      x.sampler === sampler &&
      x.batch === batch &&
      // The public batch file has no protocol field; the validation file marks its batch rows.
      (x.protocol === undefined || x.protocol === 'batch'),
  );
  if (!r) return null;
  return {
    median: r.regret.median,
    mean: r.regret.mean,
    seeds: Array.from({ length: r.seeds }, (_, i) => i),
    regrets: r.regrets,
  };
}
