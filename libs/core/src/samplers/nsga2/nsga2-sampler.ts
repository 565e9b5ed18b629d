import { checkKnownOptions } from '../../options/known-options';
import type { Rng } from '../../random/rng';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { GenerationalSampler, shuffle, type Survivor } from '../nsga/generational-sampler';
import { crowdingDistances, nonDominatedFronts } from '../nsga/non-dominated-sort';
import { NSGA_OPTION_NAMES, readNsgaOptions, type NsgaOptions } from '../nsga/nsga-options';

export type NsgaIISamplerOptions = NsgaOptions;

/** The generation (0, 1, …) a trial was sampled in, as a trial system attribute (Optuna's key). */
export const NSGA2_GENERATION_ATTR = 'nsga2:generation';
/** The numbers of the trials a child was bred from (one when it copies a parent; absent in the first generation). */
export const NSGA2_PARENTS_ATTR = 'nsga2:parents';

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
export class NsgaIISampler extends GenerationalSampler {
  constructor(options: NsgaIISamplerOptions = {}) {
    checkKnownOptions('NsgaIISampler', options, NSGA_OPTION_NAMES);
    super(
      {
        generationAttr: NSGA2_GENERATION_ATTR,
        parentsAttr: NSGA2_PARENTS_ATTR,
        breedLabel: 'nsga2',
        eliteLabel: 'elite',
      },
      readNsgaOptions(options),
    );
  }

  /** The best `populationSize` of a population: whole fronts, then the last one by crowding distance. */
  protected selectElite(population: readonly FrozenTrial[], study: StudyView, rng: Rng): Survivor[] {
    const fronts = nonDominatedFronts(population, study.directions);
    const elite: Survivor[] = [];
    const populationSize = this.populationSizeFor(study.directions.length);
    for (let rank = 0; rank < fronts.length && elite.length < populationSize; rank++) {
      const front = fronts[rank];
      const crowding = crowdingDistances(front.map((i) => population[i].values!));
      let members = front.map((i, k) => ({ trial: population[i], rank, crowding: crowding[k] }));
      if (elite.length + members.length > populationSize) {
        // Ties in crowding distance are broken at random (seeded), not by trial number.
        shuffle(members, rng);
        members = members.sort((a, b) => b.crowding - a.crowding).slice(0, populationSize - elite.length);
      }
      elite.push(...members);
    }
    return elite;
  }
}
