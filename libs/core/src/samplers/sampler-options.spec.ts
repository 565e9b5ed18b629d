import { InvalidArgumentError, UnknownOptionError } from '../errors';
import { AutoSampler, type AutoSamplerOptions } from './auto';
import { CmaEsSampler, type CmaEsSamplerOptions } from './cmaes';
import { GpSampler, type GpSamplerOptions } from './gp';
import { GridSampler, type GridSamplerOptions } from './grid/grid-sampler';
import { NsgaIISampler, type NsgaIISamplerOptions } from './nsga2';
import { NsgaIIISampler, type NsgaIIISamplerOptions } from './nsga3';
import { QmcSampler, type QmcSamplerOptions } from './qmc';
import { RandomSampler, type RandomSamplerOptions } from './random/random-sampler';
import type { Sampler } from './sampler';
import { TpeSampler, type TpeSamplerOptions } from './tpe';

// Every documented option of each sampler, with a valid value: `Required<...>` makes the compiler
// check that none is missing, so a new option must be added here (and to the constructor's list).
const random: Required<RandomSamplerOptions> = { seed: 1 };
const grid: Required<GridSamplerOptions> = { seed: 1 };
const qmc: Required<QmcSamplerOptions> = { seed: 1, scramble: false, qmcType: 'halton' };
const tpe: Required<TpeSamplerOptions> = {
  seed: 1,
  nStartupTrials: 5,
  nEiCandidates: 12,
  gamma: (n) => Math.min(n, 3),
  weights: (n) => new Float64Array(n).fill(1),
  rankWeights: false,
  considerPrunedTrials: true,
  priorWeight: 2,
  considerMagicClip: false,
  considerEndpoints: true,
  multivariate: true,
  group: false,
  bandwidthFactor: 0.2,
  categoricalSmoothing: 1,
  constantLiar: 'mean',
  liarWeight: 0.5,
  warnIndependentSampling: false,
  multiObjectiveWeights: 'uniform',
};
const cmaes: Required<CmaEsSamplerOptions> = {
  seed: 1,
  x0: { x: 0 },
  sigma0: 0.5,
  orthogonalSampling: false,
  nStartupTrials: 0,
  restartStrategy: 'ipop',
  incPopsize: 3,
  popsize: 6,
  separable: true,
  withMargin: false,
  independentSampler: new RandomSampler({ seed: 1 }),
  considerPrunedTrials: true,
  warnIndependentSampling: () => undefined,
};
const gp: Required<GpSamplerOptions> = {
  seed: 1,
  nStartupTrials: 3,
  deterministicObjective: true,
  outputWarping: true,
  independentSampler: new RandomSampler({ seed: 1 }),
  warnIndependentSampling: false,
};
const nsga2: Required<NsgaIISamplerOptions> = {
  seed: 1,
  populationSize: 10,
  crossover: 'sbx',
  crossoverProb: 0.8,
  swappingProb: 0.4,
  mutationProb: 0.1,
};
const nsga3: Required<NsgaIIISamplerOptions> = {
  ...nsga2,
  dividingParameter: 4,
  referencePoints: [
    [1, 0],
    [0, 1],
  ],
};
const auto: Required<AutoSamplerOptions> = {
  seed: 1,
  gpMaxTrials: 100,
  categoricalShareForTpe: 0.3,
  gpMaxInFlight: 8,
  gpMaxObjectives: 3,
};

const samplers: Array<[string, Record<string, unknown>, (options: Record<string, unknown>) => Sampler]> = [
  ['RandomSampler', random, (o) => new RandomSampler(o)],
  ['GridSampler', grid, (o) => new GridSampler({ x: [1, 2] }, o)],
  ['QmcSampler', qmc, (o) => new QmcSampler(o)],
  ['TpeSampler', tpe, (o) => new TpeSampler(o)],
  ['CmaEsSampler', cmaes, (o) => new CmaEsSampler(o)],
  ['GpSampler', gp, (o) => new GpSampler(o)],
  ['AutoSampler', auto, (o) => new AutoSampler(o)],
  ['NsgaIISampler', nsga2, (o) => new NsgaIISampler(o)],
  ['NsgaIIISampler', nsga3, (o) => new NsgaIIISampler(o)],
];

describe.each(samplers)('%s options', (owner, documented, build) => {
  it('accepts every documented option, each alone and all together', () => {
    for (const [name, value] of Object.entries(documented))
      expect(() => build({ [name]: value })).not.toThrow();
    expect(() => build(documented)).not.toThrow();
    expect(() => build({})).not.toThrow();
  });

  it('refuses an unknown option, naming it and listing exactly the documented ones', () => {
    let error: unknown;
    try {
      build({ ...documented, bogus: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownOptionError);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const e = error as UnknownOptionError;
    expect(e.message).toBe(`${owner}: unknown option 'bogus'; known options: ${e.known.join(', ')}`);
    expect(e.option).toBe('bogus');
    expect([...e.known].sort()).toEqual(Object.keys(documented).sort());
  });

  it('refuses a near miss of a real option (a typo is not silently ignored)', () => {
    expect(() => build({ seeds: 1 })).toThrow(`${owner}: unknown option 'seeds'`);
  });
});
