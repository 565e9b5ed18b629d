import { ApiPropertyOptional } from '@nestjs/swagger';
import { TRIAL_STATES, type TrialState } from '@tuneforge/core';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

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

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
