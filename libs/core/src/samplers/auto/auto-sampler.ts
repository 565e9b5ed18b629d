import type { Distribution, ParamValue } from '../../distributions';
import { InvalidArgumentError } from '../../errors';
import { checkKnownOptions, type OptionNames } from '../../options/known-options';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { TrialState } from '../../trial/trial-state';
import { GpSampler } from '../gp';
import { QmcSampler } from '../qmc';
import type { Sampler, SearchSpace } from '../sampler';
import type { TrialContext } from '../../trial/trial-context';
import { TpeSampler } from '../tpe';

/** The delegates: 'qmc' is no longer chosen, but trials that recorded it (multi-objective studies before MOTPE) still run on it. */
export type AutoChoice = 'gp' | 'tpe' | 'qmc';

export interface AutoSamplerOptions {
  /** Seed of every sampler it delegates to. @defaultValue a random seed */
  seed?: number;
  /**
   * Finished trials after which a float/int study moves from the GP to TPE: the GP's cost per ask
   * grows with the history, TPE's hardly. @defaultValue 300
   */
  gpMaxTrials?: number;
  /** A space with at least this share of categorical parameters goes to TPE. @defaultValue 0.5 */
  categoricalShareForTpe?: number;
  /**
   * Trials in flight (RUNNING, or WAITING with planned parameters) from which a float/int study moves from
   * the GP to TPE: the GP plans each point given all of them (q-EI), at a cost per ask that grows with their
   * number, while TPE's constant liar costs next to nothing. @defaultValue 64
   */
  gpMaxInFlight?: number;
  /**
   * Studies with more objectives than this go to TPE: on the three-objective problem of the suite (DTLZ2) the GP
   * is behind TPE at 100 and 200 trials, and its boxes of the non-dominated region grow as n^(m−1).
   * @defaultValue 2
   */
  gpMaxObjectives?: number;
}

const AUTO_SAMPLER_OPTIONS: OptionNames<AutoSamplerOptions> = {
  seed: true,
  gpMaxTrials: true,
  categoricalShareForTpe: true,
  gpMaxInFlight: true,
  gpMaxObjectives: true,
};

const IN_FLIGHT: readonly TrialState[] = ['RUNNING', 'WAITING'];

/** System attribute recording which sampler the AutoSampler used for a trial. */
export const AUTO_CHOICE_ATTR = 'auto:sampler';

/**
 * The default sampler: picks, for each trial, the algorithm our benchmarks (BENCHMARKS.md, "Automatic
 * sampler") show to be best for what the study looks like at that point —
 * - more than `gpMaxObjectives` (2) objectives: TPE (MOTPE: split by non-domination rank and hypervolume,
 *   feasible trials first, trials in flight counted as bad; one parameter at a time, TPE's default there). On the suite's three-objective problem (DTLZ2) it
 *   is ahead of the GP (BENCHMARKS.md, "Multi-objective GP"), and the GP's cost grows fast with the objectives;
 * - otherwise one objective or two, with or without constraints, by the rules below: two objectives go to the
 *   multi-objective GP (log EHVI, constraints modelled) or to TPE as one objective goes to the GP or TPE. On the
 *   ZDT problems and Binh–Korn the GP has by far the lowest regret of ours at 100 and 200 trials. NSGA-II/III
 *   are never taken: they are not better at any checkpoint we measured, and they could not take a study over
 *   (their generations live in their own trials);
 * - conditional spaces (parameters that only some trials have) or categorical-heavy ones: TPE
 *   (multivariate, grouped by the branches of the space, with a constant liar);
 * - float/int spaces: the Gaussian-process sampler while the history is small enough for its cost
 *   (`gpMaxTrials`) and fewer than `gpMaxInFlight` trials are in flight, then TPE.
 * Every delegate plans around the trials in flight (the GP by q-EI, TPE by a constant liar), so the choice
 * holds at any parallelism: on the suite the GP loses nothing from 1 to 32 trials at once (BENCHMARKS.md,
 * "Parallel workers"); only its cost per ask grows with the number in flight.
 * Each trial records the choice in its system attribute `auto:sampler`, so the platform's scheduler and
 * its workers (and a later reader of the study) agree on it.
 */
export class AutoSampler implements Sampler {
  private readonly gp: GpSampler;
  private readonly tpe: TpeSampler;
  private readonly qmc: QmcSampler;
  private readonly gpMaxTrials: number;
  private readonly categoricalShare: number;
  private readonly gpMaxInFlight: number;
  private readonly gpMaxObjectives: number;
  private last: AutoChoice | null = null;

  constructor(options: AutoSamplerOptions = {}) {
    checkKnownOptions('AutoSampler', options, AUTO_SAMPLER_OPTIONS);
    const {
      seed,
      gpMaxTrials = 300,
      categoricalShareForTpe = 0.5,
      gpMaxInFlight = 64,
      gpMaxObjectives = 2,
    } = options;
    if (!Number.isInteger(gpMaxObjectives) || gpMaxObjectives < 1) {
      throw new RangeError(`gpMaxObjectives must be an integer >= 1, got ${gpMaxObjectives}`);
    }
    this.gpMaxObjectives = gpMaxObjectives;
    if (!Number.isInteger(gpMaxTrials) || gpMaxTrials < 0) {
      throw new RangeError(`gpMaxTrials must be an integer >= 0, got ${gpMaxTrials}`);
    }
    if (!Number.isInteger(gpMaxInFlight) || gpMaxInFlight < 1) {
      throw new RangeError(`gpMaxInFlight must be an integer >= 1, got ${gpMaxInFlight}`);
    }
    this.gpMaxInFlight = gpMaxInFlight;
    if (!(categoricalShareForTpe >= 0 && categoricalShareForTpe <= 1)) {
      throw new RangeError(`categoricalShareForTpe must be in [0, 1], got ${categoricalShareForTpe}`);
    }
    this.gpMaxTrials = gpMaxTrials;
    this.categoricalShare = categoricalShareForTpe;
    // The delegates' own notices about independent sampling are expected here (conditional spaces).
    this.gp = new GpSampler({ seed, warnIndependentSampling: false });
    // TPE's own defaults: multivariate and grouped for one or two objectives, one parameter at a time for
    // three or more (the multi-objective defaults chosen on the suite, tpe-sampler.ts).
    this.tpe = new TpeSampler({ seed, constantLiar: true, warnIndependentSampling: false });
    this.qmc = new QmcSampler({ seed });
  }

  /** The sampler chosen for the latest trial (null before the first). */
  get lastChoice(): AutoChoice | null {
    return this.last;
  }

  /** Called once per trial at ask time: chooses the algorithm and records it on the trial. */
  beforeTrial(study: StudyView, trial: TrialContext): void {
    const recorded = trial.systemAttrs[AUTO_CHOICE_ATTR] as AutoChoice | undefined;
    const choice = recorded ?? this.choose(study, trial.number);
    if (!recorded) trial.setSystemAttr(AUTO_CHOICE_ATTR, choice);
    this.last = choice;
    this.delegate(trial).beforeTrial?.(study, trial);
  }

  /** Called once per trial at ask time. */
  inferRelativeSearchSpace(study: StudyView, trial: TrialContext): SearchSpace {
    return this.delegate(trial).inferRelativeSearchSpace(study, trial);
  }

  /** Called once per trial at ask time. */
  sampleRelative(study: StudyView, trial: TrialContext, space: SearchSpace): Record<string, ParamValue> {
    return this.delegate(trial).sampleRelative(study, trial, space);
  }

  /** Called for each parameter outside the relative sample, as the objective suggests it. */
  sampleIndependent(
    study: StudyView,
    trial: TrialContext,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    return this.delegate(trial).sampleIndependent(study, trial, name, distribution);
  }

  /** Called once per trial at tell time. */
  afterTrial(
    study: StudyView,
    trial: FrozenTrial,
    state: TrialState,
    values: readonly number[] | null,
  ): void {
    this.delegate(trial).afterTrial?.(study, trial, state, values);
  }

  /** The rules above, on the finished trials and those in flight (other than trial number `current`). */
  choose(study: StudyView, current = -1): AutoChoice {
    if (study.directions.length > this.gpMaxObjectives) return 'tpe';
    const finished = study.getTrials(['COMPLETE', 'PRUNED']);
    if (finished.length >= this.gpMaxTrials) return 'tpe';
    const inFlight = study.getTrials(IN_FLIGHT).filter((t) => t.number !== current).length;
    if (inFlight >= this.gpMaxInFlight) return 'tpe';
    const seen = new Map<string, Distribution>();
    let conditional = false;
    for (const t of finished) {
      for (const [name, d] of Object.entries(t.distributions)) if (!seen.has(name)) seen.set(name, d);
    }
    for (const t of finished) {
      if (Object.keys(t.distributions).length !== seen.size) {
        conditional = true;
        break;
      }
    }
    if (conditional) return 'tpe';
    const categorical = [...seen.values()].filter((d) => d.type === 'categorical').length;
    if (seen.size > 0 && categorical / seen.size >= this.categoricalShare) return 'tpe';
    return 'gp';
  }

  private delegate(trial: { systemAttrs: Readonly<Record<string, unknown>> }): Sampler {
    const choice = (trial.systemAttrs[AUTO_CHOICE_ATTR] as AutoChoice | undefined) ?? this.last ?? 'gp';
    switch (choice) {
      case 'gp':
        return this.gp;
      case 'tpe':
        return this.tpe;
      case 'qmc':
        return this.qmc;
      default:
        throw new InvalidArgumentError(`unknown ${AUTO_CHOICE_ATTR} ${JSON.stringify(choice)} on a trial`);
    }
  }
}
