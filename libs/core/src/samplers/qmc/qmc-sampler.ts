import { snapToGrid, type Distribution, type ParamValue } from '../../distributions';
import { InvalidArgumentError } from '../../errors';
import { checkKnownOptions, type OptionNames } from '../../options/known-options';
import { createRng } from '../../random/rng';
import type { StudyView } from '../../study/study-view';
import type { Sampler, SearchSpace } from '../sampler';
import type { TrialContext } from '../../trial/trial-context';
import { HaltonSequence } from './halton';
import { SobolSequence } from './sobol';

export type QmcType = 'sobol' | 'halton';

export interface QmcSamplerOptions {
  /** Seed of the scramble; the same seed gives the same points. @defaultValue a random seed, shared through the study */
  seed?: number;
  /** Randomize the sequence (a plain one starts at the lower corner of the space). @defaultValue true */
  scramble?: boolean;
  /** The low-discrepancy sequence. @defaultValue 'sobol' */
  qmcType?: QmcType;
}

const QMC_SAMPLER_OPTIONS: OptionNames<QmcSamplerOptions> = { seed: true, scramble: true, qmcType: true };

/** Trial system attribute: the scramble seed the trial's point comes from. */
export const QMC_SEED_ATTR = 'qmc:seed';

interface Sequence {
  coordinate(index: number, dimension: number): number;
}

/**
 * Quasi-Monte Carlo sampling: trial n takes point n of a (scrambled) low-discrepancy sequence, whatever
 * the history, so points fill the space evenly and any process computes the same point for the same
 * trial. The k-th parameter a trial suggests takes coordinate k of the point (a fixed objective suggests
 * its parameters in the same order every time), mapped from [0, 1): linearly onto a float's range (its
 * logarithm for log ones), into equal cells for ints, stepped floats and categoricals.
 *
 * Without a seed, the first process draws one and records it on its trials (`qmc:seed`); every unseeded
 * QmcSampler on the study adopts the seed of the study's first such trial, so they all walk one sequence.
 */
export class QmcSampler implements Sampler {
  private readonly seed: number | null;
  private readonly ownSeed: number;
  private readonly scramble: boolean;
  private readonly qmcType: QmcType;
  private readonly sequences = new Map<number, Sequence>();
  private adopted: { studyId: number; seed: number } | null = null;

  constructor(options: QmcSamplerOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new InvalidArgumentError('QmcSampler options must be an object');
    }
    checkKnownOptions('QmcSampler', options, QMC_SAMPLER_OPTIONS);
    const { seed, scramble = true, qmcType = 'sobol' } = options;
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
      throw new InvalidArgumentError(`seed must be a finite number, got ${String(seed)}`);
    }
    if (typeof scramble !== 'boolean') {
      throw new InvalidArgumentError(`scramble must be a boolean, got ${String(scramble)}`);
    }
    if (qmcType !== 'sobol' && qmcType !== 'halton') {
      throw new InvalidArgumentError(`qmcType must be 'sobol' or 'halton', got ${JSON.stringify(qmcType)}`);
    }
    this.scramble = scramble;
    this.qmcType = qmcType;
    // 32-bit scramble seeds: a given seed always maps to the same one.
    this.seed = seed === undefined ? null : Math.floor(createRng(seed).random() * 2 ** 32);
    this.ownSeed = this.seed ?? Math.floor(createRng(undefined).random() * 2 ** 32);
  }

  /** Called once per trial at ask time: nothing is sampled jointly (each parameter takes its coordinate). */
  inferRelativeSearchSpace(): SearchSpace {
    return {};
  }

  /** Called once per trial at ask time; never with a non-empty space here. */
  sampleRelative(): Record<string, ParamValue> {
    return {};
  }

  /** Called for each parameter as the objective suggests it: this trial's point, at the parameter's position. */
  sampleIndependent(
    study: StudyView,
    trial: TrialContext,
    _name: string,
    distribution: Distribution,
  ): ParamValue {
    const seed = this.scramble ? this.seedFor(study) : 0;
    if (this.scramble && trial.systemAttrs[QMC_SEED_ATTR] !== seed) trial.setSystemAttr(QMC_SEED_ATTR, seed);
    const dimension = Object.keys(trial.params).length;
    const u = this.sequence(seed).coordinate(trial.number, dimension);
    return fromUnit(distribution, u);
  }

  private seedFor(study: StudyView): number {
    if (this.seed !== null) return this.seed;
    if (this.adopted?.studyId === study.studyId) return this.adopted.seed;
    for (const t of study.getTrials()) {
      const s = t.systemAttrs[QMC_SEED_ATTR];
      if (typeof s === 'number' && Number.isInteger(s) && s >= 0 && s < 2 ** 32) {
        this.adopted = { studyId: study.studyId, seed: s };
        return s;
      }
    }
    return this.ownSeed;
  }

  private sequence(seed: number): Sequence {
    let seq = this.sequences.get(seed);
    if (!seq) {
      const scrambleSeed = this.scramble ? seed : null;
      seq = this.qmcType === 'sobol' ? new SobolSequence(scrambleSeed) : new HaltonSequence(scrambleSeed);
      this.sequences.set(seed, seq);
    }
    return seq;
  }
}

/** Maps u ∈ [0, 1) onto a distribution: cell ⌊u k⌋ of k equal cells for discrete ones, linear (or log) for floats. */
export function fromUnit(d: Distribution, u: number): ParamValue {
  if (d.type === 'categorical') {
    return d.choices[Math.min(d.choices.length - 1, Math.floor(u * d.choices.length))];
  }
  if (d.log) {
    // Ints widen by half a unit on each side so that every integer gets its share of the log scale.
    const lo = d.type === 'int' ? Math.log(d.low - 0.5) : Math.log(d.low);
    const hi = d.type === 'int' ? Math.log(d.high + 0.5) : Math.log(d.high);
    return snapToGrid(d, Math.exp(lo + u * (hi - lo)));
  }
  const step = d.type === 'int' ? d.step : d.step;
  if (step !== null) {
    const count = Math.round((d.high - d.low) / step) + 1;
    return snapToGrid(d, d.low + Math.min(count - 1, Math.floor(u * count)) * step);
  }
  return Math.min(d.high, d.low + u * (d.high - d.low));
}
