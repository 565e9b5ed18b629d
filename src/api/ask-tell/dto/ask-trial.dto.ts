import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CLIENT_LEASE_SECONDS } from '@tuneforge/platform';
import { DISTRIBUTION_SCHEMA } from './lease-token';

export class AskTrialDto {
  @ApiPropertyOptional({
    description:
      "distributions by parameter name, suggested at once (the study's searchSpace, when it has one, is suggested too); " +
      'a name the searchSpace defines must keep its distribution',
    type: 'object',
    additionalProperties: DISTRIBUTION_SCHEMA,
    example: {
      lr: { type: 'float', low: 0.0001, high: 0.1, log: true },
      layers: { type: 'int', low: 1, high: 4 },
    },
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: `seconds the trial stays the client's without a heartbeat, report or suggest; then it runs again (WAITING, handed to the next ask) or ends FAIL per the study's retry.maxRetries`,
    minimum: CLIENT_LEASE_SECONDS.min,
    maximum: CLIENT_LEASE_SECONDS.max,
    default: CLIENT_LEASE_SECONDS.default,
  })
  @IsOptional()
  @IsInt()
  @Min(CLIENT_LEASE_SECONDS.min)
  @Max(CLIENT_LEASE_SECONDS.max)
  leaseSeconds?: number;

  @ApiPropertyOptional({
    description: "the client's name, shown as the trial's worker (client:<name>:…)",
    default: 'client',
    example: 'gpu-node-3',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9._@-]+$/, { message: 'client must be letters, digits, ".", "_", "@" or "-"' })
  client?: string;
}
