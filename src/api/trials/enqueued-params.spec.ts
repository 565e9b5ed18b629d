import { join } from 'node:path';
import type { StudyDefinition } from '@tuneforge/platform';
import { ObjectiveRegistry } from '@tuneforge/sandbox';
import { checkEnqueuedParams, checkGrid, knownSpaceOf } from './enqueued-params';

const OBJECTIVES = join(__dirname, '..', '..', '..', 'examples', 'objectives');

function definition(
  objective: StudyDefinition['objective'],
  searchSpace: StudyDefinition['searchSpace'] = null,
) {
  return {
    name: 'demo',
    directions: ['minimize'],
    searchSpace,
    sampler: { type: 'random' },
    pruner: { type: 'none' },
    objective,
    budget: { nTrials: 10, maxParallel: 2, timeoutSec: null },
    seed: null,
  } as StudyDefinition;
}

describe('knownSpaceOf: where the space of an enqueued trial comes from', () => {
  let registry: ObjectiveRegistry;

  beforeAll(async () => {
    registry = await ObjectiveRegistry.fromDirectory(OBJECTIVES);
  });

  it("takes a built-in problem's own parameters, with their types and log scales", () => {
    const space = knownSpaceOf(definition({ kind: 'builtin', name: 'gbm_mixed' }), registry)!;
    expect([...space.keys()]).toEqual(['n_estimators', 'learning_rate', 'max_depth', 'subsample']);
    expect(space.get('n_estimators')).toEqual({ type: 'int', low: 10, high: 2000, log: true, step: 1 });
    expect(space.get('subsample')).toEqual({ type: 'float', low: 0.5, high: 1, log: false, step: null });
  });

  it('keeps the conditional parameters of a built-in problem (any of them may be given)', () => {
    const space = knownSpaceOf(definition({ kind: 'builtin', name: 'model_select' }), registry)!;
    expect(space.get('model')?.type).toBe('categorical');
    expect(space.has('svm_C')).toBe(true);
  });

  it("takes the definition's searchSpace for a command", () => {
    const space = knownSpaceOf(
      definition({ kind: 'command', name: 'shell-quadratic' }, [{ name: 'z', type: 'int', low: 0, high: 3 }]),
      registry,
    )!;
    expect([...space.keys()]).toEqual(['z']);
  });

  it("takes the registered command's own space when the definition has none", () => {
    const space = knownSpaceOf(definition({ kind: 'command', name: 'shell-quadratic' }), registry)!;
    expect([...space.keys()]).toEqual(['x', 'y']);
  });

  it('knows no space for a module objective (it defines its parameters as it runs)', () => {
    expect(knownSpaceOf(definition({ kind: 'module', name: 'conditional' }), registry)).toBeNull();
  });
});

describe('checkEnqueuedParams', () => {
  const space = new Map([
    ['lr', { type: 'float', low: 1e-4, high: 1, log: true, step: null }],
    ['units', { type: 'int', low: 8, high: 64, log: false, step: 8 }],
    ['ratio', { type: 'float', low: 0, high: 1, log: false, step: 0.25 }],
    ['opt', { type: 'categorical', choices: ['sgd', 'adam', null, 1] }],
  ] as const);

  it('accepts values of the space, and parameters left out', () => {
    expect(checkEnqueuedParams({ lr: 1e-4, units: 64, ratio: 0.75, opt: null }, space)).toEqual([]);
    expect(checkEnqueuedParams({ opt: 1 }, space)).toEqual([]);
    expect(checkEnqueuedParams({}, space)).toEqual([]);
  });

  it.each([
    ['below a log range', { lr: 1e-5 }, 'params.lr', '0.00001 is outside float(low=0.0001, high=1, log)'],
    [
      'off an int step',
      { units: 12 },
      'params.units',
      '12 is not on the step grid of int(low=8, high=64, step=8) (low + k * step)',
    ],
    [
      'a fraction for an int',
      { units: 8.5 },
      'params.units',
      'must be an integer in int(low=8, high=64, step=8), got 8.5',
    ],
    [
      'off a float step',
      { ratio: 0.3 },
      'params.ratio',
      '0.3 is not on the step grid of float(low=0, high=1, step=0.25) (low + k * step)',
    ],
    [
      'a boolean for a float',
      { lr: true },
      'params.lr',
      'must be a number in float(low=0.0001, high=1, log), got true',
    ],
    [
      'a numeric string for a float',
      { lr: '0.1' },
      'params.lr',
      'must be a number in float(low=0.0001, high=1, log), got "0.1"',
    ],
    ['a choice of another type', { opt: '1' }, 'params.opt', 'must be one of ["sgd","adam",null,1], got "1"'],
    [
      'an unknown name',
      { momentum: 0.9 },
      'params.momentum',
      "'momentum' is not a parameter of the study's search space; its parameters: lr, units, ratio, opt",
    ],
    [
      'an array',
      { opt: ['sgd'] },
      'params.opt',
      'must be a string, a number, a boolean or null, got ["sgd"]',
    ],
  ])('refuses %s, naming the parameter', (_name, params, field, message) => {
    expect(checkEnqueuedParams(params, space)).toEqual([{ field, messages: [message] }]);
  });

  it('names every bad parameter, in the order given', () => {
    expect(checkEnqueuedParams({ units: 0, lr: 0.5, x: 1 }, space).map((e) => e.field)).toEqual([
      'params.units',
      'params.x',
    ]);
  });

  it('takes any JSON scalar when the space is not known, but no object or array', () => {
    expect(checkEnqueuedParams({ a: 'x', b: 1.5, c: false, d: null }, null)).toEqual([]);
    expect(checkEnqueuedParams({ a: { b: 1 }, c: [1] }, null).map((e) => e.field)).toEqual([
      'params.a',
      'params.c',
    ]);
  });
});

describe('checkGrid: a grid sampler covers the known space with its values', () => {
  const space = knownSpaceOf(definition({ kind: 'builtin', name: 'branin' }), new ObjectiveRegistry([]));

  it('accepts a grid of values inside the space that names every parameter', () => {
    expect(checkGrid({ x1: [-5, 0, 10], x2: [0, 15] }, space)).toEqual([]);
  });

  it('names each value outside its distribution, each unknown name and each parameter left out', () => {
    const errors = checkGrid({ x1: [0, 99, 'a'], zz: [1] }, space);
    expect(errors.map((e) => e.field)).toEqual([
      'sampler.grid.x1.1',
      'sampler.grid.x1.2',
      'sampler.grid.zz',
      'sampler.grid.x2',
    ]);
    expect(errors[0].messages[0]).toMatch(/99 is outside/);
  });

  it('checks only the kind of values without a known space', () => {
    expect(checkGrid({ anything: [1, 'b', null] }, null)).toEqual([]);
    expect(checkGrid({ a: [{ deep: 1 }], b: [] }, null).map((e) => e.field)).toEqual([
      'sampler.grid.a.0',
      'sampler.grid.b',
    ]);
  });
});
