import { type ArgumentMetadata } from '@nestjs/common';
import { apiValidationPipe } from '../../main';
import { CreateStudyDto } from '../studies/dto/create-study.dto';

describe('the API validation pipe', () => {
  const metadata: ArgumentMetadata = { type: 'body', metatype: CreateStudyDto };
  const errorsOf = async (body: Record<string, unknown>) => {
    try {
      await apiValidationPipe().transform(body, metadata);
    } catch (e) {
      return (e as { response: { errors: unknown } }).response.errors;
    }
    throw new Error('the body was accepted');
  };

  it('says a missing required field is required, and nothing else about it', async () => {
    expect(await errorsOf({ objective: { builtin: 'branin' } })).toEqual([
      { field: 'name', messages: ['name is required'] },
      { field: 'budget', messages: ['budget is required'] },
    ]);
    expect(await errorsOf({ name: 'a', budget: {} })).toEqual([
      { field: 'budget.nTrials', messages: ['nTrials is required'] },
    ]);
  });

  it('says what a nested field that is no object should be', async () => {
    expect(await errorsOf({ name: 'a', objective: 'branin', budget: { nTrials: 1 } })).toEqual([
      { field: 'objective', messages: ['objective must be an object, e.g. {"builtin": "branin"}'] },
    ]);
  });

  it('keeps the rules a present value breaks', async () => {
    expect(await errorsOf({ name: 'a b', budget: { nTrials: 0 } })).toEqual([
      { field: 'name', messages: ['name must start with a letter or digit and hold letters, digits, _ . -'] },
      { field: 'budget.nTrials', messages: ['nTrials must not be less than 1'] },
    ]);
  });
});
