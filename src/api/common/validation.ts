import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, ValidateBy, ValidationError, type ValidationOptions } from 'class-validator';

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

export interface FieldError {
  field: string;
  messages: string[];
}

/** class-validator's nested errors flattened to `{ field: 'searchSpace.0.low', messages }`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}
