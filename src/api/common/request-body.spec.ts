import { BadRequestException } from '@nestjs/common';
import { bodyParserErrorBody, JsonObjectBodyPipe, MAX_BODY_DEPTH, tooDeepField } from './request-body';

/** An error as Express's body parser makes them (http-errors: a status and a `type`). */
function createError(status: number, message: string, props: Record<string, unknown>): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: status < 500, ...props });
}

describe('bodyParserErrorBody', () => {
  it('says a body is too large, naming body, with a 413', () => {
    const body = bodyParserErrorBody(
      createError(413, 'request entity too large', { type: 'entity.too.large' }),
    );
    expect(body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'body: The request body is larger than the 1 MB limit: send a smaller JSON document.',
      errors: [
        {
          field: 'body',
          messages: ['The request body is larger than the 1 MB limit: send a smaller JSON document.'],
        },
      ],
    });
  });

  it.each([
    ['null', /must be a JSON object .*; got `null`\.$/],
    ['{"a":', /must be a JSON object .*; it is not valid JSON \(boom\)\.$/],
    ['  ', /got only white space\.$/],
  ])('reads the strict parser failing on %j as a body that must be an object', (text, message) => {
    const body = bodyParserErrorBody(createError(400, 'boom', { type: 'entity.parse.failed', body: text }));
    expect(body?.statusCode).toBe(400);
    expect(body?.errors).toEqual([{ field: 'body', messages: [expect.stringMatching(message)] }]);
  });

  it('answers 415 for a charset or an encoding it cannot read', () => {
    const charset = bodyParserErrorBody(
      createError(415, 'x', { type: 'charset.unsupported', charset: 'latin9' }),
    );
    expect(charset?.message).toMatch(/charset 'latin9' is not supported: send UTF-8 JSON/);
    expect(bodyParserErrorBody(createError(415, 'x', { type: 'encoding.unsupported' }))?.statusCode).toBe(
      415,
    );
  });

  it('leaves other errors alone', () => {
    expect(bodyParserErrorBody(new Error('x'))).toBeNull();
    expect(bodyParserErrorBody(createError(500, 'x', { type: 'stream.not.readable' }))).toBeNull();
    expect(bodyParserErrorBody(undefined)).toBeNull();
  });
});

describe('JsonObjectBodyPipe', () => {
  const pipe = new JsonObjectBodyPipe();

  it('passes objects, and what is not a body', () => {
    expect(pipe.transform({ a: 1 }, { type: 'body' })).toEqual({ a: 1 });
    expect(pipe.transform('3', { type: 'query' })).toBe('3');
  });

  it.each([
    [undefined, 'got no body.'],
    [[1], 'got an array.'],
  ])('refuses the body %j, naming body', (value, ending) => {
    try {
      pipe.transform(value, { type: 'body' });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(BadRequestException);
      const response = (e as BadRequestException).getResponse() as any;
      expect(response.errors).toEqual([{ field: 'body', messages: [expect.stringContaining(ending)] }]);
    }
  });
});

describe('tooDeepField', () => {
  /** `depth` arrays, one in the other. */
  const nested = (depth: number): unknown => {
    let value: unknown = [];
    for (let i = 1; i < depth; i++) value = [value];
    return value;
  };

  it('names the top-level field nested deeper than the limit, without recursing', () => {
    expect(tooDeepField({ a: 1, name: nested(100_000) })).toBe('name');
    // The body is level 1, so a field may hold MAX_BODY_DEPTH - 1 levels.
    expect(tooDeepField({ name: nested(MAX_BODY_DEPTH - 1) })).toBeNull();
    expect(tooDeepField({ name: nested(MAX_BODY_DEPTH) })).toBe('name');
  });

  it('lets a study definition through', () => {
    const definition = {
      searchSpace: [{ name: 'C', type: 'float', low: 1, high: 2, when: { model: ['svm', 'lr'] } }],
      budget: { nTrials: 3 },
    };
    expect(tooDeepField(definition)).toBeNull();
  });
});
