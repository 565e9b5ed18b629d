import {
  categoricalDistribution,
  describe,
  distributionsEqual,
  floatDistribution,
  intDistribution,
  isSingle,
  toExternal,
  toInternal,
  type CategoricalChoice,
  type Distribution,
  type ParamValue,
  type RangeOptions,
} from '../distributions';
import { DistributionConflictError } from '../errors';
import type { Sampler, SearchSpace, TrialContext } from '../samplers/sampler';
import type { StudyView } from './study-view';

/**
 * A trial being planned before it exists (a scheduler sampling every parameter of a known space up
 * front): `suggest*` answer like a live trial — relative sample first, then the sampler's independent
 * sample — and record the values instead of writing them.
 */
export class PlanningTrial {
  readonly params: Record<string, ParamValue> = {};
  readonly distributions: Record<string, Distribution> = {};

  constructor(
    private readonly sampler: Sampler,
    private readonly view: StudyView,
    private readonly context: TrialContext,
    private readonly relativeParams: Readonly<Record<string, ParamValue>>,
    private readonly relativeSpace: Readonly<SearchSpace>,
  ) {}

  suggestFloat(name: string, low: number, high: number, options: RangeOptions = {}): number {
    return this.suggest(name, floatDistribution(low, high, options)) as number;
  }

  suggestInt(name: string, low: number, high: number, options: RangeOptions = {}): number {
    return this.suggest(name, intDistribution(low, high, options)) as number;
  }

  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    return this.suggest(name, categoricalDistribution(choices)) as T;
  }

  private suggest(name: string, distribution: Distribution): ParamValue {
    const known = this.distributions[name];
    if (known) {
      if (!distributionsEqual(known, distribution)) {
        throw new DistributionConflictError(
          `Parameter '${name}' was suggested as ${describe(known)} and now as ${describe(distribution)}.`,
        );
      }
      return this.params[name];
    }
    let value: ParamValue;
    if (isSingle(distribution)) {
      value = distribution.type === 'categorical' ? distribution.choices[0] : distribution.low;
    } else if (
      name in this.relativeParams &&
      this.relativeSpace[name] &&
      distributionsEqual(this.relativeSpace[name], distribution)
    ) {
      value = this.relativeParams[name];
    } else {
      const ctx: TrialContext = {
        ...this.context,
        params: { ...this.params },
        distributions: { ...this.distributions },
      };
      value = this.sampler.sampleIndependent(this.view, ctx, name, distribution);
    }
    this.params[name] = toExternal(distribution, toInternal(distribution, value));
    this.distributions[name] = distribution;
    return this.params[name];
  }
}
