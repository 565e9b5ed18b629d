import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsNumber, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { LeaseToken } from './lease-token';

export const TOLD_STATES = ['COMPLETE', 'PRUNED', 'FAIL'] as const;
export type ToldState = (typeof TOLD_STATES)[number];

export class TellTrialDto {
  @LeaseToken()
  token!: string;

  @ApiPropertyOptional({
    enum: TOLD_STATES,
    default: 'COMPLETE',
    description:
      'COMPLETE needs value or values; PRUNED keeps the last reported value; FAIL takes failReason',
  })
  @IsOptional()
  @IsIn(TOLD_STATES)
  state?: ToldState;

  @ApiPropertyOptional({ description: 'the objective value (single-objective)', example: 0.93 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value?: number;

  @ApiPropertyOptional({ type: [Number], description: 'one value per objective' })
  @IsOptional()
  @IsArray()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  values?: number[];

  @ApiPropertyOptional({ type: [Number], description: 'constraint values, <= 0 where one holds' })
  @IsOptional()
  @IsArray()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  constraints?: number[];

  @ApiPropertyOptional({
    description: 'user attributes to set on the trial (any JSON values)',
    example: { epochs: 12 },
  })
  @IsOptional()
  @IsObject()
  userAttrs?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'why the trial failed (state FAIL)' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  failReason?: string;
}
