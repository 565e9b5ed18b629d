import {
  BadRequestException,
  Injectable,
  UnsupportedMediaTypeException,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { fieldErrorBody, type ApiErrorBody } from './error-body';

/** The largest request body the API reads (a definition with 1000 parameters is far below it). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
const BODY_LIMIT_TEXT = '1 MB';

/** What every route that takes a body expects. */
const EXPECTED = 'The request body must be a JSON object { … } sent as Content-Type: application/json';

/** At most `max` characters of `text`, for a message. */
function preview(text: string, max = 40): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'no body';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** The http-errors that Express's body parser passes on: a `type` says what failed. */
interface BodyParserError {
  type: string;
  status: number;
  body?: unknown;
  charset?: string;
  encoding?: string;
  message: string;
}

/** A decompression error of a gzip, deflate or br body (zlib's codes start with `Z_`). */
function isZlibError(e: unknown): e is Error & { code: string; status: number } {
  const err = e as { code?: unknown; status?: unknown } | null;
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof err.code === 'string' &&
    err.code.startsWith('Z_') &&
    err.status === 400
  );
}

function isBodyParserError(e: unknown): e is BodyParserError {
  const err = e as Partial<BodyParserError> | null;
  return (
    typeof err === 'object' && err !== null && typeof err.type === 'string' && typeof err.status === 'number'
  );
}

/**
 * The API's error for a body that Express's JSON parser could not read (the `cause` Nest keeps when it
 * turns the parser's error into an HttpException), always naming the field `body`; null for any other
 * error. Strict parsing refuses a top-level `null`, number or string as well as malformed JSON.
 */
export function bodyParserErrorBody(cause: unknown): ApiErrorBody | null {
  if (isZlibError(cause)) {
    return fieldErrorBody(
      400,
      'body',
      `The request body could not be decompressed (${cause.message}): send valid gzip, deflate or br, or no Content-Encoding.`,
    );
  }
  if (!isBodyParserError(cause) || cause.status >= 500) return null;
  switch (cause.type) {
    case 'entity.too.large':
      return fieldErrorBody(
        413,
        'body',
        `The request body is larger than the ${BODY_LIMIT_TEXT} limit: send a smaller JSON document.`,
      );
    case 'entity.parse.failed': {
      const text = typeof cause.body === 'string' ? cause.body : '';
      const first = text.trimStart()[0];
      // The strict parser's own message for `null` is `Unexpected token 'n', "null" is not valid JSON`.
      const detail =
        first === undefined
          ? 'got only white space'
          : first === '{' || first === '['
            ? `it is not valid JSON (${cause.message})`
            : `got \`${preview(text)}\``;
      return fieldErrorBody(400, 'body', `${EXPECTED}; ${detail}.`);
    }
    case 'charset.unsupported':
      return fieldErrorBody(
        415,
        'body',
        `The request body's charset '${cause.charset ?? '?'}' is not supported: send UTF-8 JSON.`,
      );
    case 'encoding.unsupported':
      return fieldErrorBody(
        415,
        'body',
        `The request body's Content-Encoding is not supported: send it uncompressed, or as gzip, deflate or br.`,
      );
    case 'request.aborted':
      return fieldErrorBody(400, 'body', 'The request body ended before it was complete: send it again.');
    case 'request.size.invalid':
      return fieldErrorBody(
        400,
        'body',
        'The request body does not have the length its Content-Length says: send it again.',
      );
    default:
      return fieldErrorBody(cause.status, 'body', `The request body could not be read: ${cause.message}.`);
  }
}

/** Whether the request carries a body (an empty one counts as none). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Express middleware: a request that carries a body of another type than JSON is a 415 naming `body`,
 * before any parser runs (otherwise a form or text body would reach the routes as "no body" and be
 * answered with a list of missing fields). Requests without a body, e.g. `POST /studies/:id/stop`, pass.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req) || req.is('application/json')) return next();
  const type = req.headers['content-type'];
  next(
    new UnsupportedMediaTypeException(
      fieldErrorBody(
        415,
        'body',
        `${EXPECTED}; got ${type ? `Content-Type: ${preview(type)}` : 'no Content-Type'}.`,
      ),
    ),
  );
}

/**
 * How deep a body's objects and arrays may nest. A study definition needs 5 levels
 * (`searchSpace[i].when.model[j]`); validation walks the body recursively, and thousands of levels
 * would exhaust its stack.
 */
export const MAX_BODY_DEPTH = 32;

/** The top-level key under which `body` nests deeper than {@link MAX_BODY_DEPTH}, or null. Iterative. */
export function tooDeepField(body: Record<string, unknown>): string | null {
  const stack: Array<[value: unknown, depth: number, top: string]> = Object.entries(body).map(
    ([key, value]) => [value, 2, key],
  );
  while (stack.length > 0) {
    const [value, depth, top] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) return top;
    for (const child of Object.values(value)) stack.push([child, depth + 1, top]);
  }
  return null;
}

/**
 * A global pipe ahead of validation: the body of a route that takes one must be a JSON object, nested at
 * most {@link MAX_BODY_DEPTH} levels. The strict JSON parser already refuses `null`, numbers and strings;
 * this refuses arrays, a missing body and a field nested too deep.
 */
@Injectable()
export class JsonObjectBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body') return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new BadRequestException(fieldErrorBody(400, 'body', `${EXPECTED}; got ${describeValue(value)}.`));
    }
    const deep = tooDeepField(value as Record<string, unknown>);
    if (deep !== null) {
      throw new BadRequestException(
        fieldErrorBody(
          400,
          deep === '' ? '""' : deep,
          `nests objects or arrays deeper than the ${MAX_BODY_DEPTH} levels a request body may have`,
        ),
      );
    }
    return value;
  }
}
