import {
  isSingle,
  snapToGrid,
  type Distribution,
  type NumericDistribution,
  type ParamValue,
} from '../../distributions';
import { deriveRng, type Rng } from '../../random/rng';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { TrialContext } from '../../trial/trial-context';
import { CompleteTrialsIntersection } from '../complete-trials-intersection';
import { sampleFromPrior } from '../random/random-sampler';
import type { Sampler, SearchSpace } from '../sampler';
import { crossover, CROSSOVER_PARENTS } from './crossovers';
import type { NsgaSettings } from './nsga-options';

/** A member of a parent population: its non-domination rank and crowding distance, for tournaments. */
export interface Survivor {
  trial: FrozenTrial;
  rank: number;
  /** Larger wins a tournament between equal ranks (0 for all: the tournament is by rank alone). */
  crowding: number;
}

/** Where a generational sampler keeps its state in the trials, and the labels of its random streams. */
export interface GenerationKeys {
  /** Trial system attribute: the generation (0, 1, …) the trial was sampled in. */
  generationAttr: string;
  /** Trial system attribute: the numbers of the trials the child was bred from. */
  parentsAttr: string;
  /** Label of each trial's breeding stream. */
  breedLabel: string;
  /** Label of each generation's survival stream. */
  eliteLabel: string;
}

/** Draws of a crossover before a child outside the box is clipped into it. */
const MAX_CROSSOVER_ATTEMPTS = 100;

/**
 * The genetic algorithm both NSGA samplers run; they differ only in which members of a population
 * survive as the next parents (`selectElite`).
 *
 * Generations live in the trials: each trial records the generation it was sampled in and its parents,
 * so that any number of processes and trials in flight continue one study. Generation g + 1 opens when
 * `populationSize` trials of generation g are COMPLETE; until then every trial asked joins generation g
 * (with many workers it gets more than `populationSize` members; failed or pruned ones are made up by new
 * ones), and is bred from the parents of g. The parents of g + 1 are the survivors among g's COMPLETE
 * members and g's parents. The first generation is drawn uniformly at random.
 *
 * A child comes from parents picked by binary tournaments (rank, then crowding distance), crossed with
 * probability `crossoverProb`, and each parameter is redrawn uniformly with probability `mutationProb`.
 * Every draw depends only on the seed, the trial number and the history, so a seeded study gives the same
 * trials whatever the process.
 */
export abstract class GenerationalSampler implements Sampler {
  protected readonly seed: number;
  private readonly searchSpace = new CompleteTrialsIntersection();
  /** Elite populations by generation, with the members they were selected from (reused while unchanged). */
  private readonly eliteCache = new Map<number, { key: string; parents: Survivor[] }>();
  private cachedStudyId: number | null = null;
  /** The parents found in `beforeTrial`, for the `sampleRelative` of the same trial. */
  private current: { number: number; generation: number; parents: Survivor[] } | null = null;

  protected constructor(
    private readonly keys: GenerationKeys,
    private readonly settings: NsgaSettings,
  ) {
    this.seed = settings.seed;
  }

  /** Trials per generation, and parents kept, in a study with `nObjectives` objectives. */
  protected populationSizeFor(_nObjectives: number): number {
    return this.settings.populationSize;
  }

  /**
   * The survivors of `population` (COMPLETE trials with values, distinct, in trial-number order), at most
   * `populationSize` of them, each with the rank and crowding its tournaments use.
   */
  protected abstract selectElite(population: readonly FrozenTrial[], study: StudyView, rng: Rng): Survivor[];

  /** Called once per trial at ask time: records the trial's generation. */
  beforeTrial(study: StudyView, trial: TrialContext): void {
    const { generation, parents } = this.parentPopulation(study);
    trial.setSystemAttr(this.keys.generationAttr, generation);
    this.current = { number: trial.number, generation, parents };
  }

  /**
   * How many more COMPLETE trials close the generation now open, so that a scheduler can send a whole
   * generation together or, under a lower parallelism, keep it topped up: `populationSize` less the open
   * generation's COMPLETE members (trials in flight not counted: the scheduler subtracts its own).
   */
  generationSize(study: StudyView): number {
    const { generation } = this.parentPopulation(study);
    const complete = study
      .getTrials(['COMPLETE'])
      .filter((t) => t.values && t.systemAttrs[this.keys.generationAttr] === generation).length;
    return this.populationSizeFor(study.directions.length) - complete;
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
    const rng = deriveRng(this.seed, trial.number, this.keys.breedLabel);
    const { crossover: crossoverName, crossoverProb, mutationProb } = this.settings;
    const crossed = rng.random() < crossoverProb;
    const chosen = selectParents(parents, crossed ? CROSSOVER_PARENTS[crossoverName] : 1, rng);
    trial.setSystemAttr(
      this.keys.parentsAttr,
      chosen.map((p) => p.number),
    );
    const child: Record<string, ParamValue> = crossed
      ? this.breed(chosen, names, space, rng, study.directions.length)
      : Object.fromEntries(names.map((name) => [name, chosen[0].params[name]]));
    // Mutation: a parameter left out is drawn uniformly by sampleIndependent.
    const perParameter = mutationProb ?? 1 / names.length;
    for (const name of names) if (rng.random() < perParameter) delete child[name];
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
  private parentPopulation(study: StudyView): { generation: number; parents: Survivor[] } {
    if (this.cachedStudyId !== study.studyId) {
      this.eliteCache.clear();
      this.cachedStudyId = study.studyId;
    }
    const members = new Map<number, FrozenTrial[]>();
    for (const t of study.getTrials(['COMPLETE'])) {
      const g = t.systemAttrs[this.keys.generationAttr];
      if (typeof g !== 'number' || !t.values) continue;
      const list = members.get(g);
      if (list) list.push(t);
      else members.set(g, [t]);
    }
    let parents: Survivor[] = [];
    let generation = 0;
    let reusable = true;
    const populationSize = this.populationSizeFor(study.directions.length);
    for (;;) {
      const complete = members.get(generation) ?? [];
      if (complete.length < populationSize) break;
      const key = complete.map((t) => t.number).join(',');
      const cached = this.eliteCache.get(generation);
      if (reusable && cached && cached.key === key) {
        parents = cached.parents;
      } else {
        reusable = false;
        const population = [
          ...new Map([...complete, ...parents.map((p) => p.trial)].map((t) => [t.number, t])).values(),
        ].sort((a, b) => a.number - b.number);
        parents = this.selectElite(population, study, deriveRng(this.seed, this.keys.eliteLabel, generation));
        this.eliteCache.set(generation, { key, parents });
      }
      generation++;
    }
    return { generation, parents };
  }

  /** A child of `parents`: numeric parameters by the crossover in the normalized box, categorical ones uniformly. */
  private breed(
    parents: readonly FrozenTrial[],
    names: readonly string[],
    space: SearchSpace,
    rng: Rng,
    nObjectives: number,
  ): Record<string, ParamValue> {
    const { crossover: crossoverName, swappingProb } = this.settings;
    const child: Record<string, ParamValue> = {};
    const numeric = names.filter((name) => space[name].type !== 'categorical');
    for (const name of names) {
      if (space[name].type === 'categorical') {
        child[name] = rng.random() < swappingProb ? parents[1].params[name] : parents[0].params[name];
      }
    }
    if (numeric.length === 0) return child;
    const points = parents.map((p) =>
      numeric.map((name) => normalize(space[name] as NumericDistribution, p.params[name] as number)),
    );
    // (v)SBX's η as Optuna sets it: 2 for one objective, 20 for several.
    const settings = { swappingProb, eta: nObjectives === 1 ? 2 : 20 };
    let x = crossover(crossoverName, points, rng, settings);
    for (let attempt = 1; attempt < MAX_CROSSOVER_ATTEMPTS && !x.every((v) => v >= 0 && v <= 1); attempt++) {
      x = crossover(crossoverName, points, rng, settings);
    }
    numeric.forEach((name, i) => {
      child[name] = denormalize(space[name] as NumericDistribution, Math.min(1, Math.max(0, x[i])));
    });
    return child;
  }
}

/** `count` distinct parents, each the winner of a binary tournament (lower rank, then larger crowding distance). */
function selectParents(population: readonly Survivor[], count: number, rng: Rng): FrozenTrial[] {
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

/** Shuffles in place (Fisher–Yates), from `rng`. */
export function shuffle<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}
