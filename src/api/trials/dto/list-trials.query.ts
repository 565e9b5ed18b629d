import { ApiPropertyOptional } from '@nestjs/swagger';
import { TRIAL_ORDERS, TRIAL_STATES, type TrialOrder, type TrialState } from '@tuneforge/core';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_INT4 } from '../../common/route-params';
import { QueryInt } from '../../common/validation';

export { TRIAL_ORDERS, type TrialOrder };

export class ListTrialsQuery {
  @ApiPropertyOptional({ enum: TRIAL_STATES })
  @IsOptional()
  @IsIn(TRIAL_STATES)
  state?: TrialState;

  @ApiPropertyOptional({
    enum: TRIAL_ORDERS,
    default: 'number',
    description:
      'number or value (the first objective; trials without a value last, in number order), - for descending. ' +
      'Ties of value go by number upwards; NaN comes after every number.',
  })
  @IsOptional()
  @IsIn(TRIAL_ORDERS)
  order?: TrialOrder;

  @ApiPropertyOptional({
    description:
      'Start after this position: the `next` of the previous page (keyset paging, as fast at any depth). ' +
      'In number order it is a trial number; in a value order `<value>:<number>` (value `null` for the ' +
      'trials without one). With after, offset must be 0.',
    example: '99',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  after?: string;

  @QueryInt({
    min: 0,
    max: MAX_INT4,
    default: 0,
    description:
      'Trials skipped from the start of the order: the database reads and drops them, so a page costs its ' +
      'offset (about 1 s per 100 000 skipped on a large study). Prefer after for deep pages.',
  })
  offset?: number;

  @QueryInt({ min: 1, max: 1000, default: 100 })
  limit?: number;
}
