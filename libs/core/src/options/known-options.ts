import { InvalidArgumentError, UnknownOptionError } from '../errors';

/**
 * The names of every option of an options interface, as a record so that the compiler checks the
 * list against the interface both ways (a missing name and a name it lacks are both type errors).
 */
export type OptionNames<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Refuses an option name its owner does not know, so that a typo (`nStartupTrial`) or another
 * component's option is an error rather than a silently ignored setting. Called once per
 * constructor, before its options are read; `undefined` or `null` (no options) passes.
 * @throws UnknownOptionError naming the option and listing the known ones
 * @throws InvalidArgumentError when `options` is not an object
 */
export function checkKnownOptions(owner: string, options: unknown, known: OptionNames<object>): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`${owner} options must be an object, got ${JSON.stringify(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(known, name)) {
      throw new UnknownOptionError(owner, name, Object.keys(known));
    }
  }
}
