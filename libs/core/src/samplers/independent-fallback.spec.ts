import { floatDistribution } from '../distributions';
import { InvalidArgumentError } from '../errors';
import { createStudy } from '../study/study';
import { trialContext } from '../trial/trial-context';
import {
  checkIndependentFallbackOptions,
  IndependentFallback,
  IndependentSamplingWarnings,
} from './independent-fallback';
import { RandomSampler } from './random/random-sampler';
import type { Sampler } from './sampler';

describe('IndependentFallback', () => {
  it('returns the independent sampler’s value and warns once per parameter, only while the model is in use', async () => {
    const messages: string[] = [];
    let inUse = false;
    const fallback = new IndependentFallback({
      sampler: new RandomSampler({ seed: 3 }),
      warn: (m) => messages.push(m),
      modelInUse: () => inUse,
      message: (name, trialNumber) => `'${name}' of trial ${trialNumber}`,
    });
    const reference = new RandomSampler({ seed: 3 });
    const study = await createStudy();
    const trial = await study.ask();
    const x = floatDistribution(0, 1);
    const sample = (name: string) =>
      fallback.sampleIndependent(study.view, trialContext(trial.snapshot(), []), name, x);
    const expected = (name: string) =>
      reference.sampleIndependent(study.view, trialContext(trial.snapshot(), []), name, x);

    expect(sample('x')).toBe(expected('x'));
    expect(messages).toEqual([]);
    inUse = true;
    expect(sample('x')).toBe(expected('x'));
    expect(sample('x')).toBe(expected('x'));
    expect(sample('y')).toBe(expected('y'));
    expect(messages).toEqual([`'x' of trial 0`, `'y' of trial 0`]);
  });

  it('is silent with warn: false', async () => {
    const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const fallback = new IndependentFallback({
        sampler: new RandomSampler({ seed: 1 }),
        warn: false,
        modelInUse: () => true,
        message: () => 'never',
      });
      const study = await createStudy();
      const trial = await study.ask();
      fallback.sampleIndependent(
        study.view,
        trialContext(trial.snapshot(), []),
        'x',
        floatDistribution(0, 1),
      );
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('writes a console warning with warn: true', async () => {
    const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const fallback = new IndependentFallback({
        sampler: new RandomSampler({ seed: 1 }),
        warn: true,
        modelInUse: () => true,
        message: (name) => `about ${name}`,
      });
      const study = await createStudy();
      const trial = await study.ask();
      fallback.sampleIndependent(
        study.view,
        trialContext(trial.snapshot(), []),
        'x',
        floatDistribution(0, 1),
      );
      expect(spy).toHaveBeenCalledWith('about x');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('IndependentSamplingWarnings', () => {
  it('reports each parameter once, with the message of its first trial', () => {
    const messages: string[] = [];
    const warnings = new IndependentSamplingWarnings(
      (m) => messages.push(m),
      (name, n) => `${name}@${n}`,
    );
    expect(warnings.pending('x')).toBe(true);
    warnings.report('x', 3);
    warnings.report('x', 4);
    warnings.report('y', 5);
    expect(messages).toEqual(['x@3', 'y@5']);
    expect(warnings.pending('x')).toBe(false);
  });

  it('reports nothing with warn: false', () => {
    const message = jest.fn(() => 'never');
    const warnings = new IndependentSamplingWarnings(false, message);
    warnings.report('x', 0);
    expect(warnings.pending('x')).toBe(false);
    expect(message).not.toHaveBeenCalled();
  });
});

describe('checkIndependentFallbackOptions', () => {
  it('accepts a sampler and a boolean or function, or the defaults', () => {
    expect(() => checkIndependentFallbackOptions(undefined, true)).not.toThrow();
    expect(() => checkIndependentFallbackOptions(new RandomSampler(), () => undefined)).not.toThrow();
  });

  it('names the option that is wrong', () => {
    expect(() => checkIndependentFallbackOptions({} as Sampler, true)).toThrow(
      new InvalidArgumentError('independentSampler must be a Sampler (with sampleIndependent)'),
    );
    expect(() => checkIndependentFallbackOptions(undefined, 1)).toThrow(
      new InvalidArgumentError('warnIndependentSampling must be a boolean or a function, got 1'),
    );
  });
});
