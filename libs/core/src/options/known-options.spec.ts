import { InvalidArgumentError, UnknownOptionError } from '../errors';
import { checkKnownOptions } from './known-options';

describe('checkKnownOptions', () => {
  const known = { seed: true, nStartupTrials: true } as const;

  it('passes known options, no options and an empty object', () => {
    expect(() => checkKnownOptions('X', { seed: 1, nStartupTrials: 2 }, known)).not.toThrow();
    expect(() => checkKnownOptions('X', undefined, known)).not.toThrow();
    expect(() => checkKnownOptions('X', null, known)).not.toThrow();
    expect(() => checkKnownOptions('X', {}, known)).not.toThrow();
  });

  it('names the first unknown option, its owner and the known ones', () => {
    expect(() => checkKnownOptions('X', { seed: 1, bogus: 2 }, known)).toThrow(
      new UnknownOptionError('X', 'bogus', ['seed', 'nStartupTrials']),
    );
    expect(() => checkKnownOptions('X', { bogus: 2 }, known)).toThrow(
      "X: unknown option 'bogus'; known options: seed, nStartupTrials",
    );
  });

  it('refuses an unknown option even when its value is undefined', () => {
    expect(() => checkKnownOptions('X', { bogus: undefined }, known)).toThrow(UnknownOptionError);
  });

  it('says when there are no options at all', () => {
    expect(() => checkKnownOptions('X', { a: 1 }, {})).toThrow(
      "X: unknown option 'a'; known options: (none)",
    );
  });

  it('refuses options that are not an object', () => {
    for (const bad of [3, 'seed', [1]]) {
      expect(() => checkKnownOptions('X', bad, known)).toThrow(InvalidArgumentError);
      expect(() => checkKnownOptions('X', bad, known)).toThrow(/^X options must be an object, got /);
    }
  });
});
