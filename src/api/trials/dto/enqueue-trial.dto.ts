import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

export class EnqueueTrialDto {
  @ApiProperty({
    description:
      "fixed parameter values by name; parameters left out are sampled. When the study's space is known " +
      '(built-in problem, searchSpace, registered command with a space) each value must belong to its ' +
      'parameter and unknown names are refused (400 naming params.<name>); a module objective takes any JSON scalar.',
    example: { x1: 0.5, x2: 2 },
  })
  @IsObject()
  params!: Record<string, string | number | boolean | null>;
}
