import { InvalidArgumentError } from '../../errors';
import { checkKnownOptions, type OptionNames } from '../../options/known-options';
import type { Rng } from '../../random/rng';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { TrialContext } from '../../trial/trial-context';
import { GenerationalSampler, type Survivor } from '../nsga/generational-sampler';
import { nonDominatedFronts } from '../nsga/non-dominated-sort';
import {
  NSGA_DEFAULT_POPULATION,
  NSGA_OPTION_NAMES,
  readNsgaOptions,
  type NsgaOptions,
} from '../nsga/nsga-options';
import { associate, nichePreservingSelection } from './niching';
import { normalizeObjectives } from './normalization';
import { dasDennisPoints } from './reference-points';

export interface NsgaIIISamplerOptions extends NsgaOptions {
  /**
   * Trials per generation, and the number of parents kept. @defaultValue the number of reference points
   * rounded up to a multiple of 4 (Deb & Jain's sizing), at least {@link NSGA_DEFAULT_POPULATION}: 20 for two
   * to four objectives with the default reference points, 36 for five
   */
  populationSize?: number;
  /**
   * Divisions of each objective's axis for the Das–Dennis reference points: C(M + p − 1, p) points for M
   * objectives (4 for 2 objectives, 10 for 3 at p = 3). Ignored when `referencePoints` is given.
   * @defaultValue 3 (Optuna's)
   */
  dividingParameter?: number;
  /**
   * Reference points in the normalized objective space (one coordinate per objective, each >= 0, not all
   * 0), e.g. on the unit simplex where the preferred trade-offs are; the population spreads along the rays
   * from the origin through them. @defaultValue Das–Dennis points (`dividingParameter`)
   */
  referencePoints?: readonly (readonly number[])[] | null;
}

const NSGA3_SAMPLER_OPTIONS: OptionNames<NsgaIIISamplerOptions> = {
  ...NSGA_OPTION_NAMES,
  dividingParameter: true,
  referencePoints: true,
};

/** The generation (0, 1, …) a trial was sampled in, as a trial system attribute (Optuna's key). */
export const NSGA3_GENERATION_ATTR = 'nsga3:generation';
/** The numbers of the trials a child was bred from (one when it copies a parent; absent in the first generation). */
export const NSGA3_PARENTS_ATTR = 'nsga3:parents';

/**
 * NSGA-III (Deb & Jain 2014) for several — especially three or more — objectives, with constraints as
 * NsgaIISampler has them (feasible trials rank first; infeasible ones by total violation).
 *
 * The genetic algorithm, generations (`nsga3:generation`, `nsga3:parents`), crossovers and mutation are
 * NsgaIISampler's; survival differs. Whole non-domination fronts are kept while they fit in
 * `populationSize`; the last front that does not fit is thinned by reference points instead of crowding
 * distance: the kept trials and that front are normalized (ideal point, extreme points and intercepts),
 * each is associated with its nearest reference line, and the front's members are taken for the reference
 * points that have the fewest kept so far (niche preservation). Parents are picked by binary tournaments
 * on rank alone. Seeded draws as NsgaIISampler's.
 */
export class NsgaIIISampler extends GenerationalSampler {
  private readonly dividingParameter: number;
  private readonly referencePoints: number[][] | null;
  private readonly dasDennis = new Map<number, number[][]>();
  private readonly populationSizeGiven: boolean;

  constructor(options: NsgaIIISamplerOptions = {}) {
    checkKnownOptions('NsgaIIISampler', options, NSGA3_SAMPLER_OPTIONS);
    super(
      {
        generationAttr: NSGA3_GENERATION_ATTR,
        parentsAttr: NSGA3_PARENTS_ATTR,
        breedLabel: 'nsga3',
        eliteLabel: 'nsga3:elite',
      },
      readNsgaOptions(options),
    );
    this.populationSizeGiven = options.populationSize !== undefined;
    this.dividingParameter = options.dividingParameter ?? 3;
    if (!Number.isInteger(this.dividingParameter) || this.dividingParameter < 1) {
      throw new InvalidArgumentError(
        `dividingParameter must be an integer >= 1, got ${JSON.stringify(options.dividingParameter)}.`,
      );
    }
    this.referencePoints =
      options.referencePoints === undefined || options.referencePoints === null
        ? null
        : checkReferencePoints(options.referencePoints);
  }

  /** Called once per trial at ask time: checks the reference points against the objectives, records the generation. */
  override beforeTrial(study: StudyView, trial: TrialContext): void {
    this.referencesFor(study.directions.length);
    super.beforeTrial(study, trial);
  }

  /** The user's population size, else one trial per reference point, rounded up to a multiple of 4, at least 20. */
  protected override populationSizeFor(nObjectives: number): number {
    if (this.populationSizeGiven) return super.populationSizeFor(nObjectives);
    const references = this.referencesFor(nObjectives).length;
    return Math.max(NSGA_DEFAULT_POPULATION, 4 * Math.ceil(references / 4));
  }

  /**
   * The survivors: whole fronts while they fit, then niche-preserving picks from the last front. Every
   * survivor's crowding is 0, so tournaments compare ranks only (ties at random).
   */
  protected selectElite(population: readonly FrozenTrial[], study: StudyView, rng: Rng): Survivor[] {
    const fronts = nonDominatedFronts(population, study.directions);
    const elite: Survivor[] = [];
    const populationSize = this.populationSizeFor(study.directions.length);
    for (let rank = 0; rank < fronts.length && elite.length < populationSize; rank++) {
      const front = fronts[rank];
      if (elite.length + front.length <= populationSize) {
        for (const i of front) elite.push({ trial: population[i], rank, crowding: 0 });
        continue;
      }
      const kept = elite.map((s) => s.trial);
      const last = front.map((i) => population[i]);
      const references = this.referencesFor(study.directions.length);
      const minimized = [...kept, ...last].map((t) =>
        t.values!.map((v, j) => (study.directions[j] === 'maximize' ? -v : v)),
      );
      const { niche, distance } = associate(normalizeObjectives(minimized), references);
      const nicheCounts = references.map(() => 0);
      for (let i = 0; i < kept.length; i++) nicheCounts[niche[i]]++;
      const picked = nichePreservingSelection(
        populationSize - elite.length,
        nicheCounts,
        niche.slice(kept.length),
        distance.slice(kept.length),
        rng,
      );
      for (const k of picked) elite.push({ trial: last[k], rank, crowding: 0 });
    }
    return elite;
  }

  /** The user's reference points, or the Das–Dennis points for `nObjectives` objectives. */
  private referencesFor(nObjectives: number): number[][] {
    if (this.referencePoints) {
      if (this.referencePoints[0].length !== nObjectives) {
        throw new InvalidArgumentError(
          `NsgaIIISampler: referencePoints have ${this.referencePoints[0].length} coordinates, but the study has ${nObjectives} objectives.`,
        );
      }
      return this.referencePoints;
    }
    let points = this.dasDennis.get(nObjectives);
    if (!points) {
      points = dasDennisPoints(nObjectives, this.dividingParameter);
      this.dasDennis.set(nObjectives, points);
    }
    return points;
  }
}

function checkReferencePoints(points: unknown): number[][] {
  const isPoint = (p: unknown): p is number[] =>
    Array.isArray(p) &&
    p.length > 0 &&
    p.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0) &&
    p.some((x) => x > 0);
  if (
    !Array.isArray(points) ||
    points.length === 0 ||
    !points.every(isPoint) ||
    !points.every((p: number[]) => p.length === (points[0] as number[]).length)
  ) {
    throw new InvalidArgumentError(
      `referencePoints must be a non-empty list of points of one length (one coordinate per objective), each coordinate a finite number >= 0 and not all 0, got ${JSON.stringify(points)}.`,
    );
  }
  return points.map((p: number[]) => [...p]);
}
