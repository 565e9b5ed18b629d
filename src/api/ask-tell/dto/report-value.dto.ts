import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { LeaseToken } from './lease-token';

export class ReportValueDto {
  @ApiProperty({ description: 'the step (epoch, iteration), an integer >= 0', example: 3 })
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  step!: number;

  @ApiProperty({ description: 'the intermediate value at that step', example: 0.42 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value!: number;

  @LeaseToken()
  token!: string;
}
