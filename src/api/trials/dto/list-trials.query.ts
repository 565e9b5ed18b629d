import { ApiPropertyOptional } from '@nestjs/swagger';
import { TRIAL_STATES, type TrialState } from '@tuneforge/core';
import { IsIn, IsOptional } from 'class-validator';
import { MAX_INT4 } from '../../common/route-params';
import { QueryInt } from '../../common/validation';

export const TRIAL_ORDERS = ['number', '-number', 'value', '-value'] as const;
export type TrialOrder = (typeof TRIAL_ORDERS)[number];

export class ListTrialsQuery {
  @ApiPropertyOptional({ enum: TRIAL_STATES })
  @IsOptional()
  @IsIn(TRIAL_STATES)
  state?: TrialState;

  @ApiPropertyOptional({ enum: TRIAL_ORDERS, default: 'number' })
  @IsOptional()
  @IsIn(TRIAL_ORDERS)
  order?: TrialOrder;

  @QueryInt({ min: 0, max: MAX_INT4, default: 0 })
  offset?: number;

  @QueryInt({ min: 1, max: 1000, default: 100 })
  limit?: number;
}
