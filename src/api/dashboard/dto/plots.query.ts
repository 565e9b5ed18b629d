import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class PlotsQuery {
  @ApiPropertyOptional({
    default: 0,
    description: 'Which objective slice, contour, parallel coordinates, EDF and importances show.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(63)
  objective?: number;
}
