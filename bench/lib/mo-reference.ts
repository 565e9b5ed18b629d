/** Optuna's figures on the multi-objective suite (`bench/suite/reference/optuna-mo.json`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUITE_DIR } from './suite';
import type { Summary } from './stats';

export const MO_REFERENCE_VERSIONS = { '3.1': '3.1.0', '5.0dev': '5.0.0.dev' } as const;
export type MoReferenceVersion = keyof typeof MO_REFERENCE_VERSIONS;

export interface MoReferenceResult {
  problem: string;
  sampler: string;
  optuna_version: string;
  budget_trials: number;
  seeds: number[];
  hv_regret: Record<string, Summary>;
  s_per_trial: Summary;
}

let cached: { meta: Record<string, unknown>; results: MoReferenceResult[] } | null = null;

function load(): { meta: Record<string, unknown>; results: MoReferenceResult[] } {
  cached ??= JSON.parse(readFileSync(join(SUITE_DIR, 'reference', 'optuna-mo.json'), 'utf8')) as {
    meta: Record<string, unknown>;
    results: MoReferenceResult[];
  };
  return cached;
}

export function moReferenceMeta(): Record<string, unknown> {
  return load().meta;
}

/** Optuna's result for (problem, sampler) in one version, or null when it did not run that. */
export function moReference(
  problem: string,
  sampler: string,
  version: MoReferenceVersion,
): MoReferenceResult | null {
  const wanted = MO_REFERENCE_VERSIONS[version];
  return (
    load().results.find(
      (r) => r.problem === problem && r.sampler === sampler && r.optuna_version === wanted,
    ) ?? null
  );
}

/** The lowest median regret of any Optuna sampler and version at a checkpoint, and whose it is. */
export function bestMoReference(
  problem: string,
  checkpoint: number,
): { label: string; median: number } | null {
  let best: { label: string; median: number } | null = null;
  for (const r of load().results) {
    const figure = r.problem === problem ? r.hv_regret[String(checkpoint)] : undefined;
    if (!figure || (best && best.median <= figure.median)) continue;
    const version = r.optuna_version.startsWith('3.1') ? '3.1' : '5.0dev';
    best = { label: `${r.sampler} ${version}`, median: figure.median };
  }
  return best;
}
