/** The reference figures of `bench/suite/reference/*.json` (Optuna 3.1.0 and the 5.0 development head). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUITE_DIR } from './suite';
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
