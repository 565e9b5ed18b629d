import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { fieldErrorBody } from './error-body';

/** The largest value of a Postgres `integer` column (study ids, trial numbers). */
export const MAX_INT4 = 2_147_483_647;

/** A canonical decimal integer: no sign, no spaces, no leading zeros, no exponent or radix prefix. */
const CANONICAL_INT = /^(0|[1-9][0-9]*)$/;
const ALL_DIGITS = /^[0-9]+$/;
/** The study name rule of `POST /studies` (the DTO also refuses all-digit names). */
export const STUDY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** How a route names a study: an id, or (a segment that is not all digits) its name. */
export type StudyRef = number | string;

/** A 400 in the API's one error shape, naming the path parameter. */
function badParam(field: string, message: string): BadRequestException {
  return new BadRequestException(fieldErrorBody(400, field, message));
}

/** The canonical decimal integer in `min..MAX_INT4` that `raw` spells. @throws BadRequestException */
export function parseRouteInt(field: string, raw: string, min: number): number {
  // Checked before Number(): Number() accepts '0x10', '1e3', '+1', ' 1' and rounds '9007199254740993'.
  const value = CANONICAL_INT.test(raw) && raw.length <= 10 ? Number(raw) : NaN;
  if (!(value >= min && value <= MAX_INT4)) {
    throw badParam(
      field,
      `must be an integer from ${min} to ${MAX_INT4} written in decimal digits, got '${raw}'`,
    );
  }
  return value;
}

/**
 * The study in a `:id` segment: all digits is always an id (1..2147483647, no leading zeros), anything
 * else that is a valid name is a name (study names cannot be all digits, so the two never overlap).
 * @throws BadRequestException naming `id` for anything else (`+1`, ` 1`, `01`, `2147483648`)
 */
export function parseStudyRef(raw: string): StudyRef {
  if (ALL_DIGITS.test(raw)) return parseRouteInt('id', raw, 1);
  if (STUDY_NAME.test(raw)) return raw;
  throw badParam(
    'id',
    `must be a study id (an integer from 1 to ${MAX_INT4} in decimal digits) or a study name, got '${raw}'`,
  );
}

/**
 * Path parameters are read from the raw request, not through `@Param(name, pipe)`: the global
 * ValidationPipe (transform: true) runs first and turns a `number` parameter into `+value`, so '0x10'
 * would arrive as 16 and '1e3' as 1000.
 */
function pathParam<T>(name: string, parse: (raw: string) => T) {
  return createParamDecorator((_data: unknown, ctx: ExecutionContext): T => {
    const params = ctx.switchToHttp().getRequest<Request>().params;
    return parse(String(params[name]));
  });
}

/** The `:id` path parameter of every study route, read by {@link parseStudyRef}. */
export const StudyRefParam = pathParam('id', parseStudyRef);

/** The `:number` path parameter of the trial routes: 0..2147483647 in decimal digits. */
export const TrialNumberParam = pathParam('number', (raw) => parseRouteInt('number', raw, 0));

/**
 * The path parameter whose segment of a request path is not valid percent-encoding (`/studies/%E0`), for
 * the 400 that Express answers before any route runs: `id` or `number` by the segment's place in the
 * study routes, `path` elsewhere.
 */
export function undecodableParam(path: string): string {
  const segments = path.split('?')[0].split('/');
  const bad = segments.findIndex((segment) => {
    try {
      decodeURIComponent(segment);
      return false;
    } catch {
      return true;
    }
  });
  if (segments[1] === 'studies' && bad === 2) return 'id';
  if (segments[1] === 'studies' && segments[3] === 'trials' && bad === 4) return 'number';
  return 'path';
}
