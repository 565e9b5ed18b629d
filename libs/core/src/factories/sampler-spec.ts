import { InvalidArgumentError } from '../errors';
import { asInputError } from './option-errors';
import { AutoSampler } from '../samplers/auto';
import { CmaEsSampler } from '../samplers/cmaes';
import { GpSampler } from '../samplers/gp';
import { GridSampler, type GridSearchSpace } from '../samplers/grid/grid-sampler';
import { NsgaIISampler } from '../samplers/nsga2';
import { NsgaIIISampler } from '../samplers/nsga3';
import { QmcSampler } from '../samplers/qmc';
import { RandomSampler } from '../samplers/random/random-sampler';
import type { Sampler } from '../samplers/sampler';
import { TpeSampler } from '../samplers/tpe';

export const SAMPLER_TYPES = [
  'auto',
  'random',
  'grid',
  'tpe',
  'cmaes',
  'qmc',
  'gp',
  'nsga2',
  'nsga3',
] as const;
export type SamplerType = (typeof SAMPLER_TYPES)[number];

/**
 * A sampler described as data (CLI flags, REST study definitions): its type, a seed and the
 * options of that sampler's constructor.
 */
export interface SamplerSpec {
  type: SamplerType;
  seed?: number;
  /** Grid points by parameter name, for `grid`. */
  grid?: GridSearchSpace;
  /** Constructor options of the sampler (e.g. `{ multivariate: true }` for TPE). */
  options?: Record<string, unknown>;
}

/** Builds the sampler a spec describes. @throws InvalidArgumentError naming the bad field */
export function createSampler(spec: SamplerSpec): Sampler {
  return asInputError(`sampler '${spec.type}'`, () => buildSampler(spec));
}

function buildSampler(spec: SamplerSpec): Sampler {
  const options = { ...(spec.options ?? {}), ...(spec.seed !== undefined ? { seed: spec.seed } : {}) };
  switch (spec.type) {
    case 'auto':
      return new AutoSampler(options);
    case 'gp':
      return new GpSampler(options);
    case 'random':
      return new RandomSampler(options);
    case 'grid':
      if (!spec.grid) {
        throw new InvalidArgumentError(
          "sampler 'grid' needs a grid beside its type: { type: 'grid', grid: { name: [values...] } }.",
        );
      }
      return new GridSampler(spec.grid, options);
    case 'tpe':
      return new TpeSampler(options);
    case 'cmaes':
      return new CmaEsSampler(options);
    case 'qmc':
      return new QmcSampler(options);
    case 'nsga2':
      return new NsgaIISampler(options);
    case 'nsga3':
      return new NsgaIIISampler(options);
    default:
      throw new InvalidArgumentError(
        `Unknown sampler ${JSON.stringify((spec as { type: unknown }).type)}; use one of ${SAMPLER_TYPES.join(', ')}.`,
      );
  }
}
