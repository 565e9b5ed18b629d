import { BadRequestException, ConflictException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

/** One input of the request at fault, named by its path (see {@link ApiErrorBody}). */
export interface FieldError {
  field: string;
  messages: string[];
}

/**
 * The one shape of every error the API answers (docs/PLATFORM.md, "Errors"). `errors` is there whenever
 * an input of the request is at fault, one entry per input, `field` being
 * - `body` for a body that cannot be read (not JSON, not an object, too large, not application/json);
 * - a path parameter by its name: `id`, `number` (or `path` for a path no route matches);
 * - a query parameter by its name: `offset`, `limit`, `order`, `state`, `objective`;
 * - a body field by its JSON path, array entries by index and object members by key:
 *   `name`, `budget.nTrials`, `searchSpace.0.low`, `sampler.options`, `params.x1`.
 * A missing resource (404 of an id that names nothing) and a conflict with the resource's state (409)
 * blame no input, so they have no `errors`.
 */
export interface ApiErrorBody {
  statusCode: number;
  /** The status text: `Bad Request`, `Not Found`, `Payload Too Large`… */
  error: string;
  /** What went wrong and what to do, in one line (every field's messages when fields are at fault). */
  message: string;
  errors?: FieldError[];
  /** A 409's cause as a word a client can branch on (ask and tell: `budget`, `lease-lost`, …). */
  reason?: string;
}

export function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** An error body; with `errors` when inputs are at fault (an empty list counts as none). */
export function errorBody(status: number, message: string, errors?: FieldError[]): ApiErrorBody {
  const body: ApiErrorBody = { statusCode: status, error: statusText(status), message };
  if (errors && errors.length > 0) body.errors = errors;
  return body;
}

/** A 409 whose body carries `reason`, a word a client branches on (its message is for people). */
export function conflictWithReason(reason: string, message: string): ConflictException {
  return new ConflictException({ ...errorBody(409, message), reason });
}

/** A 400 for field errors found by a service (the same body as the validation pipe's). */
export function badFields(errors: FieldError[]): BadRequestException {
  const message = errors.map((e) => `${e.field}: ${e.messages.join('; ')}`).join('; ');
  return new BadRequestException(errorBody(400, message, errors));
}

/** An error body blaming one input: `message` is `<field>: <reason>`. */
export function fieldErrorBody(status: number, field: string, reason: string): ApiErrorBody {
  return errorBody(status, `${field}: ${reason}`, [{ field, messages: [reason] }]);
}

/** Whether `value` is a list of `{ field, messages }` with a non-empty field and string messages. */
export function isFieldErrorList(value: unknown): value is FieldError[] {
  return (
    Array.isArray(value) &&
    value.every(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as FieldError).field === 'string' &&
        (e as FieldError).field !== '' &&
        Array.isArray((e as FieldError).messages) &&
        (e as FieldError).messages.every((m) => typeof m === 'string'),
    )
  );
}
