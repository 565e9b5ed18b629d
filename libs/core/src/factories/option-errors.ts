import { InvalidArgumentError, UnknownOptionError } from '../errors';

/**
 * Constructors check their options with RangeError (a programming error in library use); at the
 * edges that build samplers and pruners from data, the same mistake is the caller's input: rethrow
 * it as InvalidArgumentError with the component named, so the CLI exits 2 and REST answers 400.
 * An unknown option (UnknownOptionError, already an input error) gets the component named too, and
 * keeps its type so that an edge can name the field (`sampler.options`).
 */
export function asInputError<T>(component: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof UnknownOptionError) {
      throw new UnknownOptionError(`${component}: ${e.owner}`, e.option, e.known);
    }
    if (e instanceof RangeError || e instanceof TypeError) {
      throw new InvalidArgumentError(`${component}: ${e.message}`);
    }
    throw e;
  }
}
