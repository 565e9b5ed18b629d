import {
  isSingle,
  snapToGrid,
  type Distribution,
  type NumericDistribution,
  type ParamValue,
} from '../../distributions';
import { InvalidArgumentError } from '../../errors';
import { checkKnownOptions, type OptionNames } from '../../options/known-options';
import { createRng, deriveRng, type Rng } from '../../random/rng';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { CompleteTrialsIntersection } from '../complete-trials-intersection';
import { sampleFromPrior } from '../random/random-sampler';
import type { Sampler, SearchSpace } from '../sampler';
import type { TrialContext } from '../../trial/trial-context';
import { crossover, CROSSOVER_PARENTS, NSGA2_CROSSOVERS, type Nsga2Crossover } from './crossovers';
import { crowdingDistances, nonDominatedFronts } from './non-dominated-sort';

export interface NsgaIISamplerOptions {
  /** Seed of every draw; the same seed gives the same trials. @defaultValue a random seed */
  seed?: number;
  /** Trials per generation, and the number of parents kept. @defaultValue 50 */
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

const NSGA2_SAMPLER_OPTIONS: OptionNames<NsgaIISamplerOptions> = {
  seed: true,
  populationSize: true,
  crossover: true,
  crossoverProb: true,
  swappingProb: true,
  mutationProb: true,
};

/** The generation (0, 1, …) a trial was sampled in, as a trial system attribute (Optuna's key). */
export const NSGA2_GENERATION_ATTR = 'nsga2:generation';
/** The numbers of the trials a child was bred from (one when it copies a parent; absent in the first generation). */
export const NSGA2_PARENTS_ATTR = 'nsga2:parents';

/** Draws of a crossover before a child outside the box is clipped into it. */
const MAX_CROSSOVER_ATTEMPTS = 100;

/** A member of a parent population: its non-domination rank and crowding distance, for tournaments. */
interface Parent {
  trial: FrozenTrial;
  rank: number;
  crowding: number;
}

/**
 * NSGA-II (Deb et al. 2002) for several objectives, with constraints (Deb's constrained domination: a
 * study's `constraintsFunc` values, read from each trial's `constraints` system attribute).
 *
 * Generations live in the trials: each trial records the generation it was sampled in
 * (`nsga2:generation`) and its parents (`nsga2:parents`), so that any number of processes and trials in
 * flight continue one study. Generation g + 1 opens when `populationSize` trials of generation g are
 * COMPLETE; until then every trial asked joins generation g (with many workers it gets more than
 * `populationSize` members; failed or pruned ones are made up by new ones), and is bred from the parents
 * of g. The parents of g + 1 are the best `populationSize` of g's COMPLETE members and g's parents, by
 * non-domination rank then crowding distance. The first generation is drawn uniformly at random.
 *
 * A child comes from parents picked by binary tournaments (rank, then crowding distance), crossed with
 * probability `crossoverProb`, and each parameter is redrawn uniformly with probability `mutationProb`.
 * Every draw depends only on the seed, the trial number and the history, so a seeded study gives the same
 * trials whatever the process.
 */
export class NsgaIISampler implements Sampler {
  private readonly seed: number;
  private readonly populationSize: number;
  private readonly crossoverName: Nsga2Crossover;
  private readonly crossoverProb: number;
  private readonly swappingProb: number;
  private readonly mutationProb: number | null;
  private readonly searchSpace = new CompleteTrialsIntersection();
  /** Elite populations by generation, with the members they were selected from (reused while unchanged). */
  private readonly eliteCache = new Map<number, { key: string; parents: Parent[] }>();
  private cachedStudyId: number | null = null;
  /** The parents found in `beforeTrial`, for the `sampleRelative` of the same trial. */
  private current: { number: number; generation: number; parents: Parent[] } | null = null;

  constructor(options: NsgaIISamplerOptions = {}) {
    checkKnownOptions('NsgaIISampler', options, NSGA2_SAMPLER_OPTIONS);
    if (options.seed !== undefined && !Number.isFinite(options.seed)) {
      throw new InvalidArgumentError(`seed must be a finite number, got ${options.seed}`);
    }
    this.seed = options.seed ?? Math.floor(createRng(undefined).random() * 2 ** 32);
    this.crossoverName = options.crossover ?? 'uniform';
    if (!NSGA2_CROSSOVERS.includes(this.crossoverName)) {
      throw new InvalidArgumentError(
        `crossover must be one of ${NSGA2_CROSSOVERS.join(', ')}, got ${JSON.stringify(options.crossover)}.`,
      );
    }
    this.populationSize = options.populationSize ?? 50;
    const needed = CROSSOVER_PARENTS[this.crossoverName];
    if (!Number.isInteger(this.populationSize) || this.populationSize < Math.max(2, needed)) {
      throw new InvalidArgumentError(
        `populationSize must be an integer >= ${Math.max(2, needed)} (crossover '${this.crossoverName}' needs ${needed} parents), got ${options.populationSize}.`,
      );
    }
    this.crossoverProb = probability('crossoverProb', options.crossoverProb, 0.9);
    this.swappingProb = probability('swappingProb', options.swappingProb, 0.5);
    this.mutationProb =
      options.mutationProb === undefined || options.mutationProb === null
        ? null
        : probability('mutationProb', options.mutationProb, 0);
  }

  /** Called once per trial at ask time: records the trial's generation. */
  beforeTrial(study: StudyView, trial: TrialContext): void {
    const { generation, parents } = this.parentPopulation(study);
    trial.setSystemAttr(NSGA2_GENERATION_ATTR, generation);
    this.current = { number: trial.number, generation, parents };
  }

  /** The parameters every COMPLETE trial has, with one distribution (single-valued ones left out). */
  inferRelativeSearchSpace(study: StudyView): SearchSpace {
    const space: SearchSpace = {};
    for (const [name, d] of Object.entries(this.searchSpace.calculate(study)))
      if (!isSingle(d)) space[name] = d;
    return space;
  }

  /** Breeds the trial's parameters from the parents of its generation; none in the first generation. */
  sampleRelative(study: StudyView, trial: TrialContext, space: SearchSpace): Record<string, ParamValue> {
    const parents =
      this.current?.number === trial.number ? this.current.parents : this.parentPopulation(study).parents;
    if (parents.length === 0) return {};
    const names = Object.keys(space).filter((name) => parents.every((p) => name in p.trial.params));
    if (names.length === 0) return {};
    const rng = deriveRng(this.seed, trial.number, 'nsga2');
    const crossed = rng.random() < this.crossoverProb;
    const chosen = this.selectParents(parents, crossed ? CROSSOVER_PARENTS[this.crossoverName] : 1, rng);
    trial.setSystemAttr(
      NSGA2_PARENTS_ATTR,
      chosen.map((p) => p.number),
    );
    const child: Record<string, ParamValue> = crossed
      ? this.breed(chosen, names, space, rng, study.directions.length)
      : Object.fromEntries(names.map((name) => [name, chosen[0].params[name]]));
    // Mutation: a parameter left out is drawn uniformly by sampleIndependent.
    const mutationProb = this.mutationProb ?? 1 / names.length;
    for (const name of names) if (rng.random() < mutationProb) delete child[name];
    return child;
  }

  /** Draws uniformly: the first generation, mutated parameters, and parameters outside the relative space. */
  sampleIndependent(
    _study: StudyView,
    trial: TrialContext,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    return sampleFromPrior(deriveRng(this.seed, trial.number, name), distribution);
  }

  /**
   * The open generation (one more than the last complete one) and its parents, from the trials' attributes.
   * Elite populations are cached by generation while the COMPLETE members they came from are the same.
   */
  private parentPopulation(study: StudyView): { generation: number; parents: Parent[] } {
    if (this.cachedStudyId !== study.studyId) {
      this.eliteCache.clear();
      this.cachedStudyId = study.studyId;
    }
    const members = new Map<number, FrozenTrial[]>();
    for (const t of study.getTrials(['COMPLETE'])) {
      const g = t.systemAttrs[NSGA2_GENERATION_ATTR];
      if (typeof g !== 'number' || !t.values) continue;
      const list = members.get(g);
      if (list) list.push(t);
      else members.set(g, [t]);
    }
    let parents: Parent[] = [];
    let generation = 0;
    let reusable = true;
    for (;;) {
      const complete = members.get(generation) ?? [];
      if (complete.length < this.populationSize) break;
      const key = complete.map((t) => t.number).join(',');
      const cached = this.eliteCache.get(generation);
      if (reusable && cached && cached.key === key) {
        parents = cached.parents;
      } else {
        reusable = false;
        parents = this.selectElite([...complete, ...parents.map((p) => p.trial)], study, generation);
        this.eliteCache.set(generation, { key, parents });
      }
      generation++;
    }
    return { generation, parents };
  }

  /** The best `populationSize` of a population: whole fronts, then the last one by crowding distance. */
  private selectElite(population: FrozenTrial[], study: StudyView, generation: number): Parent[] {
    const unique = [...new Map(population.map((t) => [t.number, t])).values()].sort(
      (a, b) => a.number - b.number,
    );
    const fronts = nonDominatedFronts(unique, study.directions);
    const rng = deriveRng(this.seed, 'elite', generation);
    const elite: Parent[] = [];
    for (let rank = 0; rank < fronts.length && elite.length < this.populationSize; rank++) {
      const front = fronts[rank];
      const crowding = crowdingDistances(front.map((i) => unique[i].values!));
      let members = front.map((i, k) => ({ trial: unique[i], rank, crowding: crowding[k] }));
      if (elite.length + members.length > this.populationSize) {
        // Ties in crowding distance are broken at random (seeded), not by trial number.
        shuffle(members, rng);
        members = members
          .sort((a, b) => b.crowding - a.crowding)
          .slice(0, this.populationSize - elite.length);
      }
      elite.push(...members);
    }
    return elite;
  }

  /** `count` distinct parents, each the winner of a binary tournament (lower rank, then larger crowding distance). */
  private selectParents(population: readonly Parent[], count: number, rng: Rng): FrozenTrial[] {
    const pool = [...population];
    const chosen: FrozenTrial[] = [];
    for (let k = 0; k < count && pool.length > 0; k++) {
      const i = rng.int(pool.length);
      const j = pool.length > 1 ? (i + 1 + rng.int(pool.length - 1)) % pool.length : i;
      const a = pool[i];
      const b = pool[j];
      const winner = b.rank < a.rank || (b.rank === a.rank && b.crowding > a.crowding) ? j : i;
      chosen.push(pool[winner].trial);
      pool.splice(winner, 1);
    }
    return chosen;
  }

  /** A child of `parents`: numeric parameters by the crossover in the normalized box, categorical ones uniformly. */
  private breed(
    parents: readonly FrozenTrial[],
    names: readonly string[],
    space: SearchSpace,
    rng: Rng,
    nObjectives: number,
  ): Record<string, ParamValue> {
    const child: Record<string, ParamValue> = {};
    const numeric = names.filter((name) => space[name].type !== 'categorical');
    for (const name of names) {
      if (space[name].type === 'categorical') {
        child[name] = rng.random() < this.swappingProb ? parents[1].params[name] : parents[0].params[name];
      }
    }
    if (numeric.length === 0) return child;
    const points = parents.map((p) =>
      numeric.map((name) => normalize(space[name] as NumericDistribution, p.params[name] as number)),
    );
    // (v)SBX's η as Optuna sets it: 2 for one objective, 20 for several.
    const settings = { swappingProb: this.swappingProb, eta: nObjectives === 1 ? 2 : 20 };
    let x = crossover(this.crossoverName, points, rng, settings);
    for (let attempt = 1; attempt < MAX_CROSSOVER_ATTEMPTS && !x.every((v) => v >= 0 && v <= 1); attempt++) {
      x = crossover(this.crossoverName, points, rng, settings);
    }
    numeric.forEach((name, i) => {
      child[name] = denormalize(space[name] as NumericDistribution, Math.min(1, Math.max(0, x[i])));
    });
    return child;
  }
}

function probability(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(`${name} must be a number in [0, 1], got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** A numeric value → [0, 1] over its range (log ranges on the log scale). */
export function normalize(d: NumericDistribution, value: number): number {
  if (d.high === d.low) return 0.5;
  if (d.log) return (Math.log(value) - Math.log(d.low)) / (Math.log(d.high) - Math.log(d.low));
  return (value - d.low) / (d.high - d.low);
}

/** [0, 1] → a value of the distribution (on its grid, inside its range). */
export function denormalize(d: NumericDistribution, u: number): number {
  const value = d.log
    ? Math.exp(Math.log(d.low) + u * (Math.log(d.high) - Math.log(d.low)))
    : d.low + u * (d.high - d.low);
  return snapToGrid(d, value);
}

function shuffle<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}
