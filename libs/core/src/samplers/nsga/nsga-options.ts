import { InvalidArgumentError } from '../../errors';
import type { OptionNames } from '../../options/known-options';
import { createRng } from '../../random/rng';
import { CROSSOVER_PARENTS, NSGA2_CROSSOVERS, type Nsga2Crossover } from './crossovers';

/**
 * The default population. Optuna's 50 leaves 2 to 5 generations to a budget of 100 to 300 trials; 20 leaves 5 to
 * 15, and lowered both samplers' regret on the ZDT problems and DTLZ2 at 100 to 800 trials, on the seeds it was
 * chosen on and on 40 others (BENCHMARKS.md, "NSGA-II" and "NSGA-III").
 */
export const NSGA_DEFAULT_POPULATION = 20;

/** The options both NSGA samplers take (Optuna's, in camelCase). */
export interface NsgaOptions {
  /** Seed of every draw; the same seed gives the same trials. @defaultValue a random seed */
  seed?: number;
  /**
   * Trials per generation, and the number of parents kept. @defaultValue {@link NSGA_DEFAULT_POPULATION}
   * (NsgaIIISampler: more when it has more reference points)
   */
  populationSize?: number;
  /**
   * How a child's numeric parameters mix its parents': `uniform`, `sbx` (simulated binary), `blxalpha`
   * (BLX-0.5), `spx` (simplex, 3 parents), `undx` (unimodal normal, 3 parents) or `vsbx`. Categorical
   * parameters always take one parent's value (uniform crossover). @defaultValue 'uniform' (Optuna's)
   */
  crossover?: Nsga2Crossover;
  /** Chance that a child is a crossover of parents rather than a copy of one. @defaultValue 0.9 */
  crossoverProb?: number;
  /** Uniform crossover (and categorical parameters): chance of taking the second parent's value. @defaultValue 0.5 */
  swappingProb?: number;
  /**
   * Chance that each parameter of a child is drawn afresh (uniformly) instead.
   * @defaultValue 1 / (number of parameters)
   */
  mutationProb?: number | null;
}

export const NSGA_OPTION_NAMES: OptionNames<NsgaOptions> = {
  seed: true,
  populationSize: true,
  crossover: true,
  crossoverProb: true,
  swappingProb: true,
  mutationProb: true,
};

/** The options of an NSGA sampler, checked, with their defaults filled in. */
export interface NsgaSettings {
  seed: number;
  populationSize: number;
  crossover: Nsga2Crossover;
  crossoverProb: number;
  swappingProb: number;
  /** Null: 1 / (number of parameters bred). */
  mutationProb: number | null;
}

/**
 * Checks the shared options and fills in their defaults (unknown names are the caller's check, which
 * knows its sampler's own options too).
 * @throws InvalidArgumentError naming the option and what it must be
 */
export function readNsgaOptions(options: NsgaOptions): NsgaSettings {
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new InvalidArgumentError(`seed must be a finite number, got ${options.seed}`);
  }
  const seed = options.seed ?? Math.floor(createRng(undefined).random() * 2 ** 32);
  const crossover = options.crossover ?? 'uniform';
  if (!NSGA2_CROSSOVERS.includes(crossover)) {
    throw new InvalidArgumentError(
      `crossover must be one of ${NSGA2_CROSSOVERS.join(', ')}, got ${JSON.stringify(options.crossover)}.`,
    );
  }
  const populationSize = options.populationSize ?? NSGA_DEFAULT_POPULATION;
  const needed = CROSSOVER_PARENTS[crossover];
  if (!Number.isInteger(populationSize) || populationSize < Math.max(2, needed)) {
    throw new InvalidArgumentError(
      `populationSize must be an integer >= ${Math.max(2, needed)} (crossover '${crossover}' needs ${needed} parents), got ${options.populationSize}.`,
    );
  }
  return {
    seed,
    populationSize,
    crossover,
    crossoverProb: probability('crossoverProb', options.crossoverProb, 0.9),
    swappingProb: probability('swappingProb', options.swappingProb, 0.5),
    mutationProb:
      options.mutationProb === undefined || options.mutationProb === null
        ? null
        : probability('mutationProb', options.mutationProb, 0),
  };
}

function probability(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(`${name} must be a number in [0, 1], got ${JSON.stringify(value)}.`);
  }
  return value;
}
