/**
 * The sampler configurations the benchmarks run, by name. Add an entry here to benchmark a new
 * sampler or setting; `reference` names the reference's configuration it is compared with.
 */
import {
  AutoSampler,
  CmaEsSampler,
  GpSampler,
  optunaGamma,
  QmcSampler,
  RandomSampler,
  TpeSampler,
  type Sampler,
} from '@tuneforge/core';
import type { ReferenceVersion } from './lib/reference';
import { isAllFloat } from './lib/suite';

export interface SamplerConfig {
  /** What the tables print. */
  name: string;
  /** The exact settings, for the report. */
  settings: string;
  /** The reference configuration this one is compared with, per reference version. */
  reference: Partial<Record<ReferenceVersion, string>>;
  /** Whether the configuration runs on a problem (CMA-ES: only all-float problems). */
  applies(problem: { params: { type: string; conditions?: unknown[] }[] }): boolean;
  create(seed: number): Sampler;
}

const always = () => true;

export const SAMPLER_CONFIGS: readonly SamplerConfig[] = [
  {
    name: 'random',
    settings: 'new RandomSampler({ seed })',
    reference: { '3.1': 'random', '5.0dev': 'random' },
    applies: always,
    create: (seed) => new RandomSampler({ seed }),
  },
  {
    name: 'tpe',
    settings:
      'new TpeSampler({ seed }) (defaults: multivariate + group, γ = min(⌈0.2n⌉, 25), rank weights, bandwidthFactor 0.1, categoricalSmoothing 10)',
    reference: { '3.1': 'tpe', '5.0dev': 'tpe' },
    applies: always,
    create: (seed) => new TpeSampler({ seed }),
  },
  {
    name: 'tpe-mv',
    settings: 'new TpeSampler({ seed, multivariate: true, group: false })',
    reference: { '3.1': 'tpe_mv', '5.0dev': 'tpe_mv' },
    applies: always,
    create: (seed) =>
      new TpeSampler({ seed, multivariate: true, group: false, warnIndependentSampling: false }),
  },
  {
    name: 'tpe-group',
    settings: 'new TpeSampler({ seed, multivariate: true, group: true }) (= the defaults)',
    reference: { '3.1': 'tpe_mv', '5.0dev': 'tpe_mv' },
    applies: always,
    create: (seed) => new TpeSampler({ seed, multivariate: true, group: true }),
  },
  {
    name: 'tpe-indep',
    settings:
      'new TpeSampler({ seed, multivariate: false }) (independent; γ = min(⌈0.15n⌉, 25), rank weights, categoricalSmoothing 10)',
    reference: { '3.1': 'tpe', '5.0dev': 'tpe_indep' },
    applies: always,
    create: (seed) => new TpeSampler({ seed, multivariate: false }),
  },
  {
    name: 'tpe-optuna',
    settings:
      'new TpeSampler({ seed, multivariate: false, gamma: optunaGamma, rankWeights: false, categoricalSmoothing: 1 }) (Optuna 3.1 TPESampler defaults)',
    reference: { '3.1': 'tpe', '5.0dev': 'tpe_indep' },
    applies: always,
    create: (seed) =>
      new TpeSampler({
        seed,
        multivariate: false,
        gamma: optunaGamma,
        rankWeights: false,
        categoricalSmoothing: 1,
      }),
  },
  {
    name: 'cmaes',
    settings: 'new CmaEsSampler({ seed }) (defaults; all-float problems only)',
    reference: { '3.1': 'cmaes', '5.0dev': 'cmaes' },
    applies: isAllFloat,
    create: (seed) => new CmaEsSampler({ seed }),
  },
  {
    name: 'qmc',
    settings: 'new QmcSampler({ seed }) (scrambled Sobol; no reference configuration)',
    reference: {},
    applies: always,
    create: (seed) => new QmcSampler({ seed }),
  },
  {
    name: 'gp',
    settings: 'new GpSampler({ seed }) (Matérn-5/2 ARD, log EI, 10 QMC start-up trials)',
    reference: { '5.0dev': 'gp' },
    applies: always,
    create: (seed) => new GpSampler({ seed, warnIndependentSampling: false }),
  },
  {
    name: 'gp-warp',
    settings: 'new GpSampler({ seed, outputWarping: true }) (Yeo–Johnson output warping)',
    reference: { '5.0dev': 'gp' },
    applies: always,
    create: (seed) => new GpSampler({ seed, outputWarping: true, warnIndependentSampling: false }),
  },
  {
    name: 'auto',
    settings:
      'new AutoSampler({ seed }) (GP for float/int spaces up to 300 trials, TPE for conditional or categorical-heavy ones)',
    reference: {},
    applies: always,
    create: (seed) => new AutoSampler({ seed }),
  },
];

export function samplerConfig(name: string): SamplerConfig {
  const c = SAMPLER_CONFIGS.find((s) => s.name === name);
  if (!c)
    throw new Error(
      `unknown sampler ${JSON.stringify(name)}; known: ${SAMPLER_CONFIGS.map((s) => s.name).join(', ')}`,
    );
  return c;
}
