import {
  categoricalDistribution,
  describe,
  distributionsEqual,
  floatDistribution,
  intDistribution,
  toExternal,
  toInternal,
  type CategoricalChoice,
  type Distribution,
  type ParamValue,
  type RangeOptions,
} from '../distributions';
import { DistributionConflictError, InvalidArgumentError } from '../errors';
import { checkKnownOptions, type OptionNames } from '../options/known-options';

const RANGE_OPTIONS: OptionNames<RangeOptions> = { log: true, step: true };

/**
 * A positional `log` or `step` (`suggestFloat('lr', 1e-5, 1, true)`, `suggestInt('n', 0, 10, 2)`) and a
 * misspelt option would otherwise be ignored without a word.
 */
function checkRangeOptions(method: string, name: string, options: unknown): void {
  if (typeof options === 'boolean' || typeof options === 'number') {
    const meant = typeof options === 'boolean' ? 'log' : 'step';
    throw new InvalidArgumentError(
      `${method}('${name}'): the fourth argument is an options object, e.g. { ${meant}: ${options} }, got ${options}.`,
    );
  }
  checkKnownOptions(`${method}('${name}')`, options, RANGE_OPTIONS);
}

/**
 * The define-by-run API that objectives call: `suggestFloat/Int/Categorical` build (and check) a
 * distribution, a name suggested again returns its value (and must keep its distribution), and the
 * first suggestion of a name asks `pick` for the value. A live Trial and a scheduler's planned trial
 * differ only in `pick` and in what `record` does with the value.
 */
export abstract class DefineByRun {
  protected readonly params: Record<string, ParamValue> = {};
  protected readonly distributions: Record<string, Distribution> = {};

  /** A float in [low, high]; `log` samples on a log scale, `step` on the grid low + k*step. */
  suggestFloat(name: string, low: number, high: number, options: RangeOptions = {}): number {
    checkRangeOptions('suggestFloat', name, options);
    return this.suggest(name, floatDistribution(low, high, options)) as number;
  }

  /** An integer in [low, high] (inclusive); `log` samples on a log scale, `step` on low + k*step. */
  suggestInt(name: string, low: number, high: number, options: RangeOptions = {}): number {
    checkRangeOptions('suggestInt', name, options);
    return this.suggest(name, intDistribution(low, high, options)) as number;
  }

  /** One of `choices` (strings, numbers, booleans or null). */
  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    return this.suggest(name, categoricalDistribution(choices)) as T;
  }

  /** The value of a parameter met for the first time. */
  protected abstract pick(name: string, distribution: Distribution): ParamValue;

  /** Called once per parameter, after its value is chosen. */
  protected record(_name: string, _internal: number, _distribution: Distribution): void {}

  /** A label for error messages, e.g. ` in trial 3`. */
  protected abstract get where(): string;

  private suggest(name: string, distribution: Distribution): ParamValue {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidArgumentError('A parameter name must be a non-empty string.');
    }
    const known = this.distributions[name];
    if (known) {
      if (!distributionsEqual(known, distribution)) {
        throw new DistributionConflictError(
          `Parameter '${name}' was suggested as ${describe(known)} and now as ${describe(distribution)}${this.where}.`,
        );
      }
      return this.params[name];
    }
    const internal = toInternal(distribution, this.pick(name, distribution));
    this.params[name] = toExternal(distribution, internal);
    this.distributions[name] = distribution;
    this.record(name, internal, distribution);
    return this.params[name];
  }
}
