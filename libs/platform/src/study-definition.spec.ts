import {
  checkStudyDefinition,
  InvalidStudyDefinitionError,
  isClientOnly,
  type ObjectiveCatalog,
  type StudyDefinition,
} from './study-definition';

const catalog: ObjectiveCatalog = {
  builtinNames: ['sphere5', 'quadratic'],
  registeredNames: () => ['trainer'],
  hasDefaultSpace: () => false,
  allowInlineCommands: false,
};

function definition(overrides: Partial<StudyDefinition> = {}): StudyDefinition {
  return {
    name: 'demo',
    directions: ['minimize'],
    searchSpace: null,
    sampler: { type: 'tpe' },
    pruner: { type: 'none' },
    objective: { kind: 'builtin', name: 'sphere5' },
    budget: { nTrials: 10, maxParallel: 2, timeoutSec: null },
    seed: null,
    ...overrides,
  };
}

function refusal(def: StudyDefinition): InvalidStudyDefinitionError {
  try {
    checkStudyDefinition(def, catalog);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidStudyDefinitionError);
    return e as InvalidStudyDefinitionError;
  }
  throw new Error('the definition was accepted');
}

describe('checkStudyDefinition', () => {
  it('accepts a well-formed definition with documented options', () => {
    expect(() =>
      checkStudyDefinition(
        definition({
          sampler: { type: 'tpe', seed: 1, options: { multivariate: false, nStartupTrials: 5 } },
          pruner: { type: 'median', options: { nStartupTrials: 2 } },
        }),
        catalog,
      ),
    ).not.toThrow();
  });

  describe('directions of a built-in problem (each returns one value)', () => {
    it.each([[['minimize', 'minimize']], [['minimize', 'maximize']], [[]]] as const)(
      'refuses %j, naming directions',
      (directions) => {
        const e = refusal(definition({ directions: [...directions] }));
        expect(e.field).toBe('directions');
        expect(e.message).toBe(
          `directions: the built-in problem 'sphere5' returns 1 value; give 1 direction, got ${directions.length}`,
        );
      },
    );

    it('refuses a search space beside a built-in problem, which suggests its own parameters', () => {
      const e = refusal(definition({ searchSpace: [{ name: 'x', type: 'float', low: 1, high: 10 }] }));
      expect(e.field).toBe('searchSpace');
      expect(e.message).toBe(
        "searchSpace: the built-in problem 'sphere5' defines its own parameters; leave searchSpace out",
      );
    });

    it('names directions, not the pruner, when a pruner is set too', () => {
      const e = refusal(definition({ directions: ['minimize', 'minimize'], pruner: { type: 'median' } }));
      expect(e.field).toBe('directions');
    });

    it('refuses a pruner on several objectives, naming the pruner', () => {
      const e = refusal(
        definition({
          directions: ['minimize', 'minimize'],
          objective: { kind: 'module', name: 'trainer' },
          pruner: { type: 'median' },
        }),
      );
      expect(e.field).toBe('pruner');
    });

    it('refuses a sampler that cannot serve several objectives, naming the sampler', () => {
      const e = refusal(
        definition({
          directions: ['minimize', 'minimize'],
          objective: { kind: 'module', name: 'trainer' },
          sampler: { type: 'cmaes' },
          pruner: { type: 'none' },
        }),
      );
      expect(e.field).toBe('sampler');
      expect(e.message).toContain('CmaEsSampler supports single-objective studies only');
    });

    it('names sampler.grid when a grid sampler has none, and says where it goes', () => {
      const e = refusal(definition({ sampler: { type: 'grid', options: { grid: { x: [1, 2] } } } }));
      expect(e.field).toBe('sampler.grid');
      expect(e.message).toContain(
        `is required for the 'grid' sampler, e.g. {"type": "grid", "grid": {"x": [1, 2, 3]}} (beside type, not in options)`,
      );
    });

    it('accepts one direction, either way', () => {
      for (const direction of ['minimize', 'maximize'] as const) {
        expect(() => checkStudyDefinition(definition({ directions: [direction] }), catalog)).not.toThrow();
      }
    });

    it('leaves objectives that may return several values alone', () => {
      const def = definition({
        directions: ['minimize', 'minimize'],
        objective: { kind: 'module', name: 'trainer' },
      });
      expect(() => checkStudyDefinition(def, catalog)).not.toThrow();
    });
  });

  describe('sampler and pruner options', () => {
    it('refuses an unknown sampler option, naming sampler.options, the sampler and the option', () => {
      const e = refusal(definition({ sampler: { type: 'tpe', options: { bogus: 1 } } }));
      expect(e.field).toBe('sampler.options');
      expect(e.message).toMatch(
        /^sampler\.options: sampler 'tpe': TpeSampler: unknown option 'bogus'; known options: seed, nStartupTrials, /,
      );
    });

    it('refuses an unknown pruner option, naming pruner.options', () => {
      const e = refusal(definition({ pruner: { type: 'median', options: { nStartupTrial: 3 } } }));
      expect(e.field).toBe('pruner.options');
      expect(e.message).toMatch(
        /^pruner\.options: pruner 'median': MedianPruner: unknown option 'nStartupTrial'/,
      );
    });

    it('keeps naming the sampler for an out-of-range option', () => {
      const e = refusal(definition({ sampler: { type: 'tpe', options: { nStartupTrials: -1 } } }));
      expect(e.field).toBe('sampler');
      expect(e.message).toBe("sampler: sampler 'tpe': nStartupTrials must be an integer >= 0, got -1");
    });
  });

  describe('search space errors', () => {
    const command = { kind: 'command', name: 'trainer' } as const;
    const x = { name: 'x', type: 'float', low: 0, high: 1 };

    it('name the entry by its index in the array, as the JSON path of the request body', () => {
      const e = refusal(
        definition({ objective: command, searchSpace: [x, { name: 'y', type: 'int', low: 3, high: 1 }] }),
      );
      expect(e.field).toBe('searchSpace.1.low');
      expect(e.message).toMatch(
        /^searchSpace\.1\.low: search space: parameter 'y', field 'low': must be <= high/,
      );
    });

    it('name the second entry of a name given twice', () => {
      const e = refusal(definition({ objective: command, searchSpace: [x, { ...x, low: 0.5 }] }));
      expect(e.field).toBe('searchSpace.1.name');
    });
  });

  describe('client-only studies', () => {
    it('accepts no search space (clients define parameters as they run) and several objectives', () => {
      const def = definition({ objective: { kind: 'client' }, directions: ['minimize', 'maximize'] });
      expect(checkStudyDefinition(def, catalog)).toEqual(def);
      expect(isClientOnly(def)).toBe(true);
      expect(isClientOnly(definition())).toBe(false);
    });

    it('still checks a declarative search space, naming the entry', () => {
      const bad = [{ name: 'x', type: 'float', low: 2, high: 1 }];
      expect(refusal(definition({ objective: { kind: 'client' }, searchSpace: bad })).field).toBe(
        'searchSpace.0.low',
      );
    });
  });
});
