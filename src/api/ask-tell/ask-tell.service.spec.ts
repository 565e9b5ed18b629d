import { BadRequestException } from '@nestjs/common';
import type { Distribution, FrozenTrial } from '@tuneforge/core';
import { parseAskedDistributions, suggestRefusal, toldResult } from './ask-tell.service';

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestException);
    return ((e as BadRequestException).getResponse() as { errors: Array<{ field: string }> }).errors.map(
      (f) => f.field,
    );
  }
  throw new Error('accepted');
}

describe('toldResult', () => {
  it('maps a tell body to the library result', () => {
    expect(toldResult({ value: 0.5 }, 1)).toBe(0.5);
    expect(toldResult({ values: [1, 2] }, 2)).toEqual([1, 2]);
    expect(toldResult({ state: 'PRUNED' }, 1)).toBe('PRUNED');
    expect(toldResult({ state: 'FAIL', failReason: 'OOM' }, 1)).toBe('FAIL');
  });

  it('refuses a body that does not fit the study, naming the field', () => {
    expect(fieldsOf(() => toldResult({}, 1))).toEqual(['value']);
    expect(fieldsOf(() => toldResult({ value: 1, values: [1] }, 1))).toEqual(['values']);
    expect(fieldsOf(() => toldResult({ value: 1 }, 2))).toEqual(['value']);
    expect(fieldsOf(() => toldResult({ values: [1] }, 2))).toEqual(['values']);
    expect(fieldsOf(() => toldResult({ state: 'PRUNED', value: 1 }, 1))).toEqual(['value']);
    expect(fieldsOf(() => toldResult({ state: 'PRUNED', failReason: 'x' }, 1))).toEqual(['failReason']);
    expect(fieldsOf(() => toldResult({ value: 1, failReason: 'x' }, 1))).toEqual(['failReason']);
  });
});

describe('parseAskedDistributions', () => {
  const x: Distribution = { type: 'float', low: 0, high: 1, log: false, step: null };

  it("adds the asked distributions to the study's space, defaults filled in", () => {
    const asked = parseAskedDistributions({ n: { type: 'int', low: 1, high: 3 } }, new Map([['x', x]]));
    expect(Object.fromEntries(asked)).toEqual({
      x,
      n: { type: 'int', low: 1, high: 3, log: false, step: 1 },
    });
    expect(
      parseAskedDistributions({ x: { type: 'float', low: 0, high: 1 } }, new Map([['x', x]])).get('x'),
    ).toEqual(x);
  });

  it('names each bad or conflicting parameter', () => {
    const bad = {
      a: { type: 'float', low: 2, high: 1 },
      b: { type: 'normal' },
      x: { type: 'float', low: 0, high: 2 },
      ok: { type: 'categorical', choices: ['u'] },
    };
    expect(fieldsOf(() => parseAskedDistributions(bad, new Map([['x', x]])))).toEqual([
      'params.a',
      'params.b',
      'params.x',
    ]);
  });
});

describe('suggestRefusal', () => {
  const int19: Distribution = { type: 'int', low: 1, high: 9, log: false, step: 1 };
  const trial = (over: Partial<FrozenTrial>): FrozenTrial => ({
    trialId: 1,
    number: 0,
    state: 'RUNNING',
    values: null,
    params: {},
    distributions: {},
    intermediateValues: {},
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: 0,
    datetimeComplete: null,
    ...over,
  });

  it('lets a name be suggested again with its own distribution only', () => {
    const t = trial({ params: { n: 3 }, distributions: { n: int19 } });
    expect(suggestRefusal(t, 'n', int19)).toBeNull();
    expect(suggestRefusal(t, 'n', { ...int19, high: 5 })).toMatch(/'n' was suggested as int/);
    expect(suggestRefusal(t, 'm', { ...int19, high: 5 })).toBeNull();
  });

  it('refuses a distribution that the enqueued value does not fit', () => {
    const t = trial({ state: 'WAITING', systemAttrs: { fixed_params: { n: 7, kind: 'b' } } });
    expect(suggestRefusal(t, 'n', int19)).toBeNull();
    expect(suggestRefusal(t, 'n', { ...int19, high: 5 })).toMatch(/enqueued value 7 of 'n' is outside/);
    expect(
      suggestRefusal(t, 'n', { type: 'float', low: 0, high: 6.5, log: false, step: null }),
    ).not.toBeNull();
    expect(suggestRefusal(t, 'kind', { type: 'categorical', choices: ['a', 'b'] })).toBeNull();
    expect(suggestRefusal(t, 'kind', { type: 'categorical', choices: ['a'] })).not.toBeNull();
  });
});
