import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsString, MaxLength } from 'class-validator';
import { DISTRIBUTION_SCHEMA, LeaseToken } from './lease-token';

export class SuggestParamDto {
  @ApiProperty({ description: 'the parameter', example: 'dropout' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  name!: string;

  @ApiProperty(DISTRIBUTION_SCHEMA)
  @IsObject()
  distribution!: Record<string, unknown>;

  @LeaseToken()
  token!: string;
}
