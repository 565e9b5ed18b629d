import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

export class ParetoQuery {
  @ApiPropertyOptional({
    type: String,
    example: '1,2.5',
    description:
      'The reference point of the hypervolume: one number per objective, comma-separated, in the order of ' +
      "directions and the objectives' own units. Default: the worst value of each objective over the COMPLETE " +
      'trials, moved 10 % of its range further (1 when the range is 0).',
  })
  @IsOptional()
  @IsString({ message: 'ref must be given once, as numbers separated by commas' })
  ref?: string;
}
