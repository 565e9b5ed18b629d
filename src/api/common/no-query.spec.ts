import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { apiValidationPipe } from '../../main';
import { NoQuery } from './no-query';

describe('NoQuery', () => {
  const metadata: ArgumentMetadata = { type: 'query', metatype: NoQuery };

  it('lets a request without query parameters through', async () => {
    await expect(apiValidationPipe().transform({}, metadata)).resolves.toEqual({});
  });

  it('refuses any parameter, naming it', async () => {
    const refusal = apiValidationPipe().transform({ state: 'BOGUS' }, metadata);
    await expect(refusal).rejects.toBeInstanceOf(BadRequestException);
    await expect(refusal).rejects.toMatchObject({
      response: { errors: [{ field: 'state', messages: ['property state should not exist'] }] },
    });
  });
});
