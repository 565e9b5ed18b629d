import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** The `token` of every call on an asked trial: the lease's secret that `ask` answered. */
export function LeaseToken() {
  return applyDecorators(
    ApiProperty({ description: "the lease's token, as `POST /studies/:id/ask` answered it (lease.token)" }),
    IsString(),
    IsNotEmpty(),
    MaxLength(200),
  );
}

/** How a distribution is written (the library's JSON form), for the OpenAPI page. */
export const DISTRIBUTION_SCHEMA = {
  type: 'object' as const,
  additionalProperties: true,
  description:
    'a distribution in the library\'s JSON form: {"type":"float","low":0,"high":1,"log":false,"step":null}, ' +
    '{"type":"int","low":1,"high":9,"log":false,"step":1} or {"type":"categorical","choices":["a","b"]} ' +
    '(log and step may be left out)',
  example: { type: 'float', low: 0.0001, high: 0.1, log: true },
};
