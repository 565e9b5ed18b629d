import type { JsonObject } from '@tuneforge/core';
import { InvalidStoredDefinitionError, readStudyDefinition } from './stored-definition';
import { DEFINITION_ATTR, type StudyDefinition } from './study-definition';

const valid: StudyDefinition = {
  name: 's',
  directions: ['minimize'],
  searchSpace: null,
  sampler: { type: 'tpe', options: {} },
  pruner: { type: 'median', options: {} },
  objective: { kind: 'builtin', name: 'branin' },
  budget: { nTrials: 10, maxParallel: 2, timeoutSec: null },
  seed: 3,
  retry: { maxRetries: 1, retryFailedTrials: 0 },
};

const attrs = (definition: unknown) => ({ [DEFINITION_ATTR]: definition as JsonObject });

function refusal(definition: unknown): InvalidStoredDefinitionError {
  try {
    readStudyDefinition('s', attrs(definition));
  } catch (e) {
    if (e instanceof InvalidStoredDefinitionError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('readStudyDefinition', () => {
  it('returns the stored definition, or null for a study not created by the platform', () => {
    expect(readStudyDefinition('s', attrs(valid))).toEqual(valid);
    const { retry: _retry, ...older } = valid;
    expect(readStudyDefinition('s', attrs(older))).toEqual(older);
    expect(readStudyDefinition('s', {})).toBeNull();
  });

  it.each<[string, Record<string, unknown>]>([
    ['directions', { directions: [] }],
    ['directions', { directions: ['up'] }],
    ['searchSpace', { searchSpace: {} }],
    ['sampler.type', { sampler: {} }],
    ['pruner.options', { pruner: { type: 'none', options: 3 } }],
    ['objective.kind', { objective: { kind: 'shell', name: 'x' } }],
    ['objective.argv', { objective: { kind: 'inline-command', argv: [1] } }],
    ['objective.name', { objective: { kind: 'command' } }],
    ['budget.nTrials', { budget: { nTrials: 0, maxParallel: 1, timeoutSec: null } }],
    ['budget.maxParallel', { budget: { nTrials: 3, maxParallel: 1.5, timeoutSec: null } }],
    ['budget.timeoutSec', { budget: { nTrials: 3, maxParallel: 1, timeoutSec: -1 } }],
    ['seed', { seed: 'x' }],
    ['retry', { retry: { maxRetries: -1, retryFailedTrials: 0 } }],
  ])('names %s when it is not as written', (field, change) => {
    const e = refusal({ ...valid, ...change });
    expect(e.field).toBe(field);
    expect(e.message).toMatch(
      new RegExp(`^the stored definition of study 's' is unreadable: ${field.replace('.', '\\.')} `),
    );
  });

  it('refuses a definition that is not an object', () => {
    expect(refusal('text').field).toBe(DEFINITION_ATTR);
  });
});
