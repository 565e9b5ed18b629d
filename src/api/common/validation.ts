import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNumber, IsOptional, ValidateBy, ValidationError, type ValidationOptions } from 'class-validator';
import type { FieldError } from './error-body';

export type { FieldError } from './error-body';

/** An optional finite number (the rule repeats across the search space fields). */
export function OptionalFiniteNumber(description: string, options?: ValidationOptions) {
  return applyDecorators(
    ApiPropertyOptional({ type: Number, description }),
    IsOptional(),
    IsNumber({ allowNaN: false, allowInfinity: false }, options),
  );
}

/** A string that is not all digits (study names: an all-digit path segment is a study id). */
export function NotAllDigits(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'notAllDigits',
      validator: { validate: (value) => typeof value !== 'string' || !/^[0-9]+$/.test(value) },
    },
    options,
  );
}

/**
 * An optional integer query parameter (`?limit=10`) from `min` to `max`, written in decimal digits:
 * `0x10`, `1e3`, ` 5` and `` stay strings and are refused by name, where `Number()` would read 16, 1000,
 * 5 and 0. One message says it all.
 */
export function QueryInt(options: { min: number; max: number; default?: number; description?: string }) {
  const { min, max } = options;
  return applyDecorators(
    ApiPropertyOptional({
      type: Number,
      minimum: min,
      maximum: max,
      default: options.default,
      description: options.description,
    }),
    IsOptional(),
    Transform(({ value }) =>
      typeof value === 'string' && /^-?(0|[1-9][0-9]{0,15})$/.test(value) ? Number(value) : value,
    ),
    ValidateBy({
      name: 'queryInt',
      validator: {
        validate: (value) => Number.isInteger(value) && value >= min && value <= max,
        defaultMessage: (args) =>
          `${args?.property} must be an integer from ${min} to ${max} in decimal digits, got ${JSON.stringify(args?.value)}`,
      },
    }),
  );
}

/**
 * class-validator's nested errors flattened to `{ field: 'searchSpace.0.low', messages }`. A required field
 * that is missing fails every rule of the field ("must be shorter than 128 characters", …): it gets one
 * message, that it is required.
 */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    // An empty key (`{"": 1}`, `?=1`) is shown as "" so that every field has a name.
    const property = e.property === '' ? '""' : e.property;
    const field = parent ? `${parent}.${property}` : property;
    let own: FieldError[] = [];
    if (e.constraints) {
      const messages = e.value === undefined ? [`${property} is required`] : Object.values(e.constraints);
      own = [{ field, messages }];
    }
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}
