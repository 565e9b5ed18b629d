import {
  snapToGrid,
  type Distribution,
  type NumericDistribution,
  type ParamValue,
} from '../../distributions';
import { checkKnownOptions, type OptionNames } from '../../options/known-options';
import { createRng, deriveRng, type Rng } from '../../random/rng';
import type { TrialContext } from '../../trial/trial-context';
import type { Sampler, SearchSpace } from '../sampler';

export interface RandomSamplerOptions {
  /** Seed of the generator; the same seed gives the same trials. @defaultValue a random seed */
  seed?: number;
}

const RANDOM_SAMPLER_OPTIONS: OptionNames<RandomSamplerOptions> = { seed: true };

/** Draws one value of a numeric distribution uniformly (on the log scale for log ones). */
function sampleUniform(rng: Rng, d: NumericDistribution): number {
  if (d.log) {
    // Ints widen by half a unit on each side so that every integer gets its share of the log scale.
    const lo = d.type === 'int' ? Math.log(d.low - 0.5) : Math.log(d.low);
    const hi = d.type === 'int' ? Math.log(d.high + 0.5) : Math.log(d.high);
    return snapToGrid(d, Math.exp(rng.uniform(lo, hi)));
  }
  const step = d.type === 'int' ? d.step : d.step;
  if (step !== null) {
    const n = Math.round((d.high - d.low) / step) + 1;
    return snapToGrid(d, d.low + rng.int(n) * step);
  }
  return rng.uniform(d.low, d.high);
}

/** Draws one external value of any distribution. */
export function sampleFromPrior(rng: Rng, d: Distribution): ParamValue {
  if (d.type === 'categorical') return d.choices[rng.int(d.choices.length)];
  return sampleUniform(rng, d);
}

/**
 * Independent uniform sampling: the baseline, and the start-up sampler of the model-based ones.
 * Each value is drawn from a generator derived from (seed, trial number, parameter name), so a seeded
 * study gets the same trials whatever the concurrency or the process that samples.
 */
export class RandomSampler implements Sampler {
  readonly readsHistory = false;
  private readonly seed: number;

  constructor(options: RandomSamplerOptions = {}) {
    checkKnownOptions('RandomSampler', options, RANDOM_SAMPLER_OPTIONS);
    if (options.seed !== undefined && !Number.isFinite(options.seed)) {
      throw new RangeError(`seed must be a finite number, got ${options.seed}`);
    }
    this.seed = options.seed ?? Math.floor(createRng(undefined).random() * 2 ** 32);
  }

  /** Called once per trial at ask time: random search samples nothing jointly. */
  inferRelativeSearchSpace(): SearchSpace {
    return {};
  }

  /** Called once per trial at ask time; never with a non-empty space here. */
  sampleRelative(): Record<string, ParamValue> {
    return {};
  }

  /** Called for each parameter as the objective suggests it. */
  sampleIndependent(
    _study: unknown,
    trial: TrialContext,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    return sampleFromPrior(deriveRng(this.seed, trial.number, name), distribution);
  }
}
