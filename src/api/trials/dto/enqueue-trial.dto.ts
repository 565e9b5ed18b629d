import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

export class EnqueueTrialDto {
  @ApiProperty({ description: 'fixed parameter values by name', example: { x1: 0.5, x2: 2 } })
  @IsObject()
  params!: Record<string, string | number | boolean | null>;
}
