import type { Distribution, ParamValue } from '../distributions';
import { InvalidArgumentError } from '../errors';
import type { StudyView } from '../study/study-view';
import type { Sampler } from './sampler';
import type { TrialContext } from '../trial/trial-context';

/**
 * The `warnIndependentSampling` option of a sampler that models a relative search space: `true` writes a
 * console warning, a function receives the message, `false` is silent.
 */
export type WarnIndependentSampling = boolean | ((message: string) => void);

/**
 * Checks the `independentSampler` and `warnIndependentSampling` options (either may be undefined, for
 * the default), with messages that name the option.
 */
export function checkIndependentFallbackOptions(independentSampler: unknown, warn: unknown): void {
  if (independentSampler !== undefined) {
    const s = independentSampler as Partial<Sampler> | null;
    if (!s || typeof s.sampleIndependent !== 'function') {
      throw new InvalidArgumentError('independentSampler must be a Sampler (with sampleIndependent)');
    }
  }
  if (typeof warn !== 'boolean' && typeof warn !== 'function') {
    throw new InvalidArgumentError(
      `warnIndependentSampling must be a boolean or a function, got ${String(warn)}`,
    );
  }
}

export interface IndependentFallbackOptions {
  /** Samples what the relative model does not cover. */
  sampler: Sampler;
  /** The owner's `warnIndependentSampling` option (checked with checkIndependentFallbackOptions). */
  warn: WarnIndependentSampling;
  /** Whether the model is in use, so that falling back is worth a warning (not during the start-up trials). */
  modelInUse: (study: StudyView) => boolean;
  /** The warning for parameter `name` of trial `trialNumber`, saying why and how to silence it. */
  message: (name: string, trialNumber: number) => string;
}

/**
 * The warning of a relative sampler about the parameters it samples outside its model: once per
 * parameter, so that a user learns which parameters the model never sees. IndependentFallback warns
 * through it; TPE, whose own univariate model is its fallback, calls it directly.
 */
export class IndependentSamplingWarnings {
  private readonly warn: ((message: string) => void) | null;
  private readonly warned = new Set<string>();

  constructor(
    warn: WarnIndependentSampling,
    private readonly message: (name: string, trialNumber: number) => string,
  ) {
    this.warn = warn === true ? (m) => console.warn(m) : warn === false ? null : warn;
  }

  /** Whether warning about `name` is still to come (warnings on, not reported yet). */
  pending(name: string): boolean {
    return this.warn !== null && !this.warned.has(name);
  }

  /** Warns that parameter `name` of trial `trialNumber` was sampled independently, the first time only. */
  report(name: string, trialNumber: number): void {
    if (!this.pending(name)) return;
    this.warned.add(name);
    this.warn!(this.message(name, trialNumber));
  }
}

/**
 * The independent sampler behind a relative one (CMA-ES, GP): samples the parameters the relative
 * sample did not cover, and reports each such parameter once, when the model is in use, so that a user
 * learns which parameters the model never sees.
 */
export class IndependentFallback {
  readonly sampler: Sampler;
  private readonly warnings: IndependentSamplingWarnings;
  private readonly modelInUse: (study: StudyView) => boolean;

  constructor(options: IndependentFallbackOptions) {
    this.sampler = options.sampler;
    this.warnings = new IndependentSamplingWarnings(options.warn, options.message);
    this.modelInUse = options.modelInUse;
  }

  /** The independent sampler's value for `name`, after the warning if it is the first for `name`. */
  sampleIndependent(
    study: StudyView,
    trial: TrialContext,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    if (this.warnings.pending(name) && this.modelInUse(study)) this.warnings.report(name, trial.number);
    return this.sampler.sampleIndependent(study, trial, name, distribution);
  }
}
