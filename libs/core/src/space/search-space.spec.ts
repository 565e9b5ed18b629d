import { RandomSampler } from '../samplers/random/random-sampler';
import { createStudy } from '../study/study';
import type { Trial } from '../trial/trial';
import {
  InvalidSearchSpaceError,
  parseSearchSpace,
  searchSpaceToJson,
  suggestFromSpace,
  type SearchSpaceDefinition,
} from './search-space';

const conditional = [
  { name: 'model', type: 'categorical', choices: ['svm', 'forest', 'mlp'] },
  { name: 'c', type: 'float', low: 1e-3, high: 1e3, log: true, when: { model: 'svm' } },
  { name: 'kernel', type: 'categorical', choices: ['rbf', 'poly'], when: { model: 'svm' } },
  { name: 'degree', type: 'int', low: 2, high: 5, when: { kernel: 'poly' } },
  { name: 'trees', type: 'int', low: 10, high: 200, step: 10, when: { model: ['forest'] } },
  { name: 'dropout', type: 'float', low: 0, high: 0.5, step: 0.1, when: { model: ['mlp', 'forest'] } },
];

function errorOf(json: unknown): InvalidSearchSpaceError {
  try {
    parseSearchSpace(json);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidSearchSpaceError);
    return e as InvalidSearchSpaceError;
  }
  throw new Error('parseSearchSpace accepted an invalid space');
}

describe('parseSearchSpace', () => {
  it('reads the array form in order, with defaults filled in', () => {
    const space = parseSearchSpace(conditional);
    expect(space.parameters.map((p) => p.name)).toEqual([
      'model',
      'c',
      'kernel',
      'degree',
      'trees',
      'dropout',
    ]);
    expect(space.parameters[1].distribution).toEqual({
      type: 'float',
      low: 1e-3,
      high: 1e3,
      log: true,
      step: null,
    });
    expect(space.parameters[3].distribution).toEqual({ type: 'int', low: 2, high: 5, log: false, step: 1 });
    expect(space.parameters[1].when).toEqual({ model: ['svm'] });
    expect(space.parameters[0].when).toBeNull();
  });

  it('reads an object keyed by name, keeping document order', () => {
    const space = parseSearchSpace(
      JSON.parse(
        '{"zeta": {"type": "float", "low": 0, "high": 1}, "alpha": {"type": "int", "low": 1, "high": 3}}',
      ),
    );
    expect(space.parameters.map((p) => p.name)).toEqual(['zeta', 'alpha']);
  });

  it('round-trips through searchSpaceToJson', () => {
    const space = parseSearchSpace(conditional);
    expect(parseSearchSpace(searchSpaceToJson(space))).toEqual(space);
  });

  it.each([
    ['low > high', [{ name: 'x', type: 'float', low: 2, high: 1 }], 'x', 'low', /low=2 > high=1/],
    [
      'log with low <= 0',
      [{ name: 'lr', type: 'float', low: 0, high: 1, log: true }],
      'lr',
      'low',
      /> 0 with log/,
    ],
    [
      'log with step',
      [{ name: 'lr', type: 'float', low: 1, high: 9, log: true, step: 2 }],
      'lr',
      'step',
      /log/,
    ],
    ['empty choices', [{ name: 'opt', type: 'categorical', choices: [] }], 'opt', 'choices', /non-empty/],
    [
      'duplicate choices',
      [{ name: 'opt', type: 'categorical', choices: ['a', 'a'] }],
      'opt',
      'choices',
      /distinct/,
    ],
    [
      'range not a multiple of step',
      [{ name: 'x', type: 'float', low: 0, high: 1, step: 0.3 }],
      'x',
      'step',
      /multiple/,
    ],
    [
      'int range not a multiple of step',
      [{ name: 'n', type: 'int', low: 0, high: 10, step: 3 }],
      'n',
      'step',
      /multiple/,
    ],
    ['non-integer int bound', [{ name: 'n', type: 'int', low: 0.5, high: 10 }], 'n', 'low', /integer/],
    ['missing bound', [{ name: 'x', type: 'float', low: 0 }], 'x', 'high', /finite number/],
    [
      'non-boolean log',
      [{ name: 'x', type: 'float', low: 1, high: 2, log: 'yes' }],
      'x',
      'log',
      /true or false/,
    ],
    [
      'unknown type',
      [{ name: 'x', type: 'double', low: 0, high: 1 }],
      'x',
      'type',
      /'float', 'int', 'categorical'/,
    ],
    ['unknown field', [{ name: 'x', type: 'float', low: 0, high: 1, hgih: 2 }], 'x', 'hgih', /unknown field/],
    [
      'choices on a float',
      [{ name: 'x', type: 'float', low: 0, high: 1, choices: [1] }],
      'x',
      'choices',
      /unknown/,
    ],
    ['duplicate name', [...conditional, { name: 'c', type: 'float', low: 0, high: 1 }], 'c', 'name', /twice/],
    [
      'when on a missing parameter',
      [{ name: 'x', type: 'float', low: 0, high: 1, when: { nope: 1 } }],
      'x',
      'when',
      /not a parameter/,
    ],
    [
      'when on a later parameter',
      [
        { name: 'x', type: 'float', low: 0, high: 1, when: { y: 'a' } },
        { name: 'y', type: 'categorical', choices: ['a'] },
      ],
      'x',
      'when',
      /comes after 'x'/,
    ],
    [
      'when with a value the parent never takes',
      [
        { name: 'm', type: 'categorical', choices: ['svm'] },
        { name: 'c', type: 'float', low: 1, high: 2, when: { m: 'smv' } },
      ],
      'c',
      'when',
      /can never equal "smv"/,
    ],
    [
      'integer-like names in the map form',
      { '1': { type: 'float', low: 0, high: 1 } },
      '1',
      'name',
      /array form/,
    ],
    [
      'a name that differs from its key',
      { a: { name: 'b', type: 'float', low: 0, high: 1 } },
      'a',
      'name',
      /equal its key/,
    ],
  ])('refuses %s, naming the parameter and the field', (_what, json, parameter, field, reason) => {
    const error = errorOf(json);
    expect(error.parameter).toBe(parameter);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`parameter '${parameter}', field '${field}'`);
    expect(error.message).toMatch(reason);
  });

  it('refuses documents that are not a space', () => {
    expect(errorOf('lr').message).toMatch(/array of parameters or an object/);
    expect(errorOf([]).message).toMatch(/at least one parameter/);
    expect(errorOf([{ type: 'float', low: 0, high: 1 }]).message).toMatch(/entry 0: field 'name'/);
    expect(errorOf([3]).message).toMatch(/entry 0 must be an object/);
  });
});

describe('suggestFromSpace', () => {
  const space: SearchSpaceDefinition = parseSearchSpace(conditional);

  it('suggests only the active parameters, in order, and stores them on the trial', async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 3 }) });
    const seen: Array<Record<string, unknown>> = [];
    await study.optimize(
      (trial) => {
        seen.push(suggestFromSpace(trial, space));
        return 0;
      },
      { nTrials: 40 },
    );
    for (const [i, params] of seen.entries()) {
      expect(study.trials[i].params).toEqual(params);
      const names = Object.keys(params);
      const expected = ['model'];
      if (params.model === 'svm')
        expected.push('c', 'kernel', ...(params.kernel === 'poly' ? ['degree'] : []));
      if (params.model === 'forest') expected.push('trees', 'dropout');
      if (params.model === 'mlp') expected.push('dropout');
      expect(names).toEqual(expected);
    }
    expect(new Set(seen.map((p) => p.model))).toEqual(new Set(['svm', 'forest', 'mlp']));
    expect(seen.some((p) => p.kernel === 'poly')).toBe(true);
  });

  it('gives the same trials as the equivalent hand-written define-by-run objective', async () => {
    const byHand = (trial: Trial) => {
      const model = trial.suggestCategorical('model', ['svm', 'forest', 'mlp']);
      if (model === 'svm') {
        trial.suggestFloat('c', 1e-3, 1e3, { log: true });
        if (trial.suggestCategorical('kernel', ['rbf', 'poly']) === 'poly') trial.suggestInt('degree', 2, 5);
      }
      if (model === 'forest') trial.suggestInt('trees', 10, 200, { step: 10 });
      if (model === 'mlp' || model === 'forest') trial.suggestFloat('dropout', 0, 0.5, { step: 0.1 });
      return 0;
    };
    const a = await createStudy({ sampler: new RandomSampler({ seed: 11 }) });
    await a.optimize(byHand, { nTrials: 25 });
    const b = await createStudy({ sampler: new RandomSampler({ seed: 11 }) });
    await b.optimize(
      (trial) => {
        suggestFromSpace(trial, space);
        return 0;
      },
      { nTrials: 25 },
    );
    expect(b.trials.map((t) => t.params)).toEqual(a.trials.map((t) => t.params));
    expect(b.trials.map((t) => t.distributions)).toEqual(a.trials.map((t) => t.distributions));
  });
});
