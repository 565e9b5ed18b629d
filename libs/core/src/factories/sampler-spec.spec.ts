import { InvalidArgumentError, UnknownOptionError } from '../errors';
import { AutoSampler } from '../samplers/auto';
import { CmaEsSampler } from '../samplers/cmaes';
import { GpSampler } from '../samplers/gp';
import { QmcSampler } from '../samplers/qmc';
import { RandomSampler } from '../samplers/random/random-sampler';
import type { Sampler } from '../samplers/sampler';
import { TpeSampler } from '../samplers/tpe';
import { createStudy } from '../study/study';
import { createSampler, type SamplerSpec } from './sampler-spec';

/**
 * What a sampler was built with: its fields, recursively (delegates included), with functions by
 * their source (a closure made per instance is the same option) and, with `dropSeeds`, no seed
 * (nor a generator's state drawn from it).
 */
function settingsOf(value: unknown, dropSeeds = false, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'function') return `[function ${String(value)}]`;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (value instanceof Map) return [...value].map(([k, v]) => [k, settingsOf(v, dropSeeds, seen)]);
  if (Array.isArray(value)) return value.map((v) => settingsOf(v, dropSeeds, seen));
  const out: Record<string, unknown> = { class: value.constructor?.name };
  for (const [k, v] of Object.entries(value)) {
    if (!(dropSeeds && /seed$|^rng$/i.test(k))) out[k] = settingsOf(v, dropSeeds, seen);
  }
  return out;
}

describe('createSampler', () => {
  it.each<[SamplerSpec, Sampler]>([
    [{ type: 'tpe', seed: 3 }, new TpeSampler({ seed: 3 })],
    [{ type: 'auto', seed: 3 }, new AutoSampler({ seed: 3 })],
    [{ type: 'gp', seed: 3 }, new GpSampler({ seed: 3 })],
    [{ type: 'cmaes', seed: 3 }, new CmaEsSampler({ seed: 3 })],
    [{ type: 'random', seed: 3 }, new RandomSampler({ seed: 3 })],
    [{ type: 'qmc', seed: 3 }, new QmcSampler({ seed: 3 })],
  ])('builds %p with the library defaults', (spec, library) => {
    expect(settingsOf(createSampler(spec))).toEqual(settingsOf(library));
  });

  it("gives TPE the constant liar by default, as the library's TpeSampler has it", () => {
    const built = settingsOf(createSampler({ type: 'tpe', seed: 3 }));
    expect(built).toEqual(settingsOf(new TpeSampler({ seed: 3, constantLiar: true })));
    // The comparison sees the options: the liar turned off is another sampler.
    expect(built).not.toEqual(settingsOf(new TpeSampler({ seed: 3, constantLiar: false })));
  });

  it("is what createStudy uses when no sampler is given (createSampler({ type: 'auto' }))", async () => {
    const study = await createStudy();
    expect(study.sampler).toBeInstanceOf(AutoSampler);
    // Unseeded: each draws its own seed; everything else is the same.
    expect(settingsOf(study.sampler, true)).toEqual(settingsOf(createSampler({ type: 'auto' }), true));
  });

  it.each<[SamplerSpec, string]>([
    [
      { type: 'tpe', options: { constantLiar: 'sometimes' } },
      `sampler 'tpe': constantLiar must be true, false or one of 'worst', 'mean', 'best', got "sometimes"`,
    ],
    [
      { type: 'tpe', options: { liarWeight: 0 } },
      "sampler 'tpe': liarWeight must be a finite number > 0, got 0",
    ],
    [
      { type: 'tpe', options: { nStartupTrials: -1 } },
      "sampler 'tpe': nStartupTrials must be an integer >= 0, got -1",
    ],
    [{ type: 'auto', options: { gpMaxTrials: 1.5 } }, "sampler 'auto': gpMaxTrials must be an integer >= 0"],
  ])('names the option in its errors: %p', (spec, message) => {
    expect(() => createSampler(spec)).toThrow(InvalidArgumentError);
    expect(() => createSampler(spec)).toThrow(message);
  });

  it.each<[SamplerSpec, string]>([
    [
      { type: 'tpe', options: { bogus: 1 } },
      "sampler 'tpe': TpeSampler: unknown option 'bogus'; known options: seed, ",
    ],
    [
      { type: 'auto', options: { bogus: 1 } },
      "sampler 'auto': AutoSampler: unknown option 'bogus'; known options: seed, ",
    ],
    [
      { type: 'gp', options: { nStartupTrial: 1 } },
      "sampler 'gp': GpSampler: unknown option 'nStartupTrial'",
    ],
    [{ type: 'cmaes', options: { bogus: 1 } }, "sampler 'cmaes': CmaEsSampler: unknown option 'bogus'"],
    [
      { type: 'random', options: { bogus: 1 } },
      "sampler 'random': RandomSampler: unknown option 'bogus'; known options: seed",
    ],
    [{ type: 'qmc', options: { bogus: 1 } }, "sampler 'qmc': QmcSampler: unknown option 'bogus'"],
    [
      { type: 'grid', grid: { x: [1] }, options: { bogus: 1 } },
      "sampler 'grid': GridSampler: unknown option 'bogus'",
    ],
  ])('refuses an unknown option, naming the sampler and the option: %p', (spec, message) => {
    expect(() => createSampler(spec)).toThrow(UnknownOptionError);
    expect(() => createSampler(spec)).toThrow(message);
  });

  it('accepts a seed both as the spec field and among the options', () => {
    expect(() =>
      createSampler({ type: 'tpe', seed: 1, options: { seed: 2, multivariate: false } }),
    ).not.toThrow();
  });

  it('names an unknown sampler type and the known ones', () => {
    expect(() => createSampler({ type: 'tpee' as never })).toThrow(
      /Unknown sampler "tpee"; use one of auto, random, grid, tpe, cmaes, qmc, gp, nsga2, nsga3/,
    );
  });
});
