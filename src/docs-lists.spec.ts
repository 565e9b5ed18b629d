/**
 * The lists of names that README.md and docs/PLATFORM.md give (samplers, pruners, built-in problems) are the
 * code's lists: a name added to or removed from the code fails here until the docs say so too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRUNER_TYPES, SAMPLER_TYPES } from '@tuneforge/core';
import { BUILTIN_PROBLEMS } from '@tuneforge/sandbox';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const platform = readFileSync(join(root, 'docs/PLATFORM.md'), 'utf8');

const sorted = (names: Iterable<string>): string[] => [...names].sort();

/** The first capture group of `pattern` in `text`; fails the test when the docs no longer have the passage. */
function passage(text: string, pattern: RegExp): string {
  const match = pattern.exec(text);
  expect(match).not.toBeNull();
  return match![1];
}

/** The `code` spans of `text` that are names (lower case, digits, `_`, `-`). */
function codeNames(text: string): string[] {
  return [...text.matchAll(/`([a-z0-9_-]+)`/g)].map((m) => m[1]);
}

/** The problems of one bench suite file, in its order. */
function suiteProblems(file: string): string[] {
  const suite = JSON.parse(readFileSync(join(root, 'bench/suite', file), 'utf8')) as {
    problems: { name: string }[];
  };
  return suite.problems.map((p) => p.name);
}

describe('README.md, the CLI section', () => {
  it('lists every sampler type, each once, as --sampler a|b|...', () => {
    const names = passage(readme, /`--sampler ([a-z0-9-]+(?:\|[a-z0-9-]+)+)`/).split('|');
    expect(sorted(names)).toEqual(sorted(SAMPLER_TYPES));
  });

  it('lists every pruner type, each once, as --pruner a|b|...', () => {
    const names = passage(readme, /`--pruner ([a-z-]+(?:\|[a-z-]+)+)`/).split('|');
    expect(sorted(names)).toEqual(sorted(PRUNER_TYPES));
  });

  it('uses only known names in its --sampler, --pruner and --builtin examples', () => {
    const used = (flag: string): string[] =>
      [...readme.matchAll(new RegExp(`${flag} ([a-z0-9_-]+)(?![|a-z0-9_-])`, 'g'))].map((m) => m[1]);
    expect(used('--sampler').length).toBeGreaterThan(0);
    for (const name of used('--sampler')) expect(SAMPLER_TYPES).toContain(name);
    for (const name of used('--pruner')) expect(PRUNER_TYPES).toContain(name);
    for (const name of used('--builtin')) expect(Object.keys(BUILTIN_PROBLEMS)).toContain(name);
  });
});

describe('docs/PLATFORM.md', () => {
  const builtinList = (): string =>
    passage(platform, /exactly one of `builtin` \(a benchmark problem: ([^)]*)\)/);

  it('lists every built-in problem, each once', () => {
    const names = codeNames(builtinList());
    expect(sorted(names)).toEqual(sorted(Object.keys(BUILTIN_PROBLEMS)));
  });

  it('lists the built-in problems by suite file, as it says, then quadratic', () => {
    const list = builtinList();
    const [main, validation, rest] = list.split(';');
    expect(main).toContain('bench/suite/suite.json');
    expect(codeNames(main)).toEqual(suiteProblems('suite.json'));
    expect(validation).toContain('bench/suite/suite-validation.json');
    expect(codeNames(validation)).toEqual(suiteProblems('suite-validation.json'));
    expect(codeNames(rest)).toEqual(['quadratic']);
  });

  it("quotes the API's refusal of an unknown sampler with the code's list", () => {
    const quoted = passage(platform, /"type must be one of the following values: ([a-z0-9, -]+)"/);
    expect(quoted).toBe(SAMPLER_TYPES.join(', '));
  });

  it('uses only known names in its example definitions', () => {
    const builtins = [...platform.matchAll(/"builtin": "([^"]+)"/g)].map((m) => m[1]);
    expect(builtins.length).toBeGreaterThan(0);
    for (const name of builtins) expect(Object.keys(BUILTIN_PROBLEMS)).toContain(name);
    for (const m of platform.matchAll(/"sampler": \{ "type": "([^"]+)"/g))
      expect(SAMPLER_TYPES).toContain(m[1]);
    for (const m of platform.matchAll(/"pruner": \{ "type": "([^"]+)"/g))
      expect(PRUNER_TYPES).toContain(m[1]);
  });
});
