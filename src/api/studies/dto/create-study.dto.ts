import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  PRUNER_TYPES,
  SAMPLER_TYPES,
  type PrunerType,
  type SamplerType,
  type StudyDirection,
} from '@tuneforge/core';
import { MAX_RETRIES_LIMIT, MAX_STUDY_PRIORITY, MIN_STUDY_PRIORITY } from '@tuneforge/platform';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { STUDY_NAME } from '../../common/route-params';
import { NotAllDigits, OptionalFiniteNumber } from '../../common/validation';

const DIRECTIONS: StudyDirection[] = ['minimize', 'maximize'];

export class SearchSpaceParamDto {
  @ApiProperty({ example: 'lr' })
  @IsString()
  @Matches(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, {
    message: 'name must start with a letter or _ and hold letters, digits, _ . -',
  })
  name!: string;

  @ApiProperty({ enum: ['float', 'int', 'categorical'] })
  @IsIn(['float', 'int', 'categorical'])
  type!: 'float' | 'int' | 'categorical';

  @OptionalFiniteNumber('lower bound (float, int)')
  low?: number;

  @OptionalFiniteNumber('upper bound (float, int)')
  high?: number;

  @ApiPropertyOptional({ description: 'sample on a log scale (low > 0)' })
  @IsOptional()
  @IsBoolean()
  log?: boolean;

  @OptionalFiniteNumber('grid step: values are low + k * step')
  @IsPositive()
  step?: number;

  @ApiPropertyOptional({
    description: 'categorical choices (strings, numbers, booleans or null)',
    type: [Object],
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  choices?: Array<string | number | boolean | null>;

  @ApiPropertyOptional({
    description: 'active only when earlier parameters have these values',
    example: { model: 'svm' },
  })
  @IsOptional()
  @IsObject()
  when?: Record<string, unknown>;
}

export class SamplerDto {
  @ApiProperty({ enum: SAMPLER_TYPES })
  @IsIn(SAMPLER_TYPES)
  type!: SamplerType;

  @ApiPropertyOptional({ description: 'options of the sampler, e.g. {"multivariate": true}' })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'grid points for \'grid\', e.g. {"x": [1, 2, 3]}' })
  @IsOptional()
  @IsObject()
  grid?: Record<string, Array<string | number | boolean | null>>;
}

export class PrunerDto {
  @ApiProperty({ enum: PRUNER_TYPES })
  @IsIn(PRUNER_TYPES)
  type!: PrunerType;

  @ApiPropertyOptional({ description: 'options of the pruner, e.g. {"nStartupTrials": 5}' })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}

/** Exactly one of the fields names the objective (checked by the service, which names the fields). */
export class ObjectiveDto {
  @ApiPropertyOptional({ description: 'a built-in benchmark problem', example: 'branin' })
  @IsOptional()
  @IsString()
  builtin?: string;

  @ApiPropertyOptional({ description: 'a JS/TS module objective registered by the operator' })
  @IsOptional()
  @IsString()
  module?: string;

  @ApiPropertyOptional({ description: 'a command objective registered by the operator' })
  @IsOptional()
  @IsString()
  command?: string;

  @ApiPropertyOptional({
    description: 'argv of a free command (only when the operator allows inline commands)',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  inlineCommand?: string[];

  @ApiPropertyOptional({
    description:
      'true: no objective on the platform; clients run the trials (POST /studies/:id/ask … tell). The same as leaving `objective` out',
  })
  @IsOptional()
  @IsBoolean()
  client?: boolean;
}

export class BudgetDto {
  @ApiProperty({ example: 100 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  nTrials!: number;

  @ApiPropertyOptional({ description: 'trials queued or running at once', default: 4 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxParallel?: number;

  @ApiPropertyOptional({
    description: 'start no trial after this many seconds of running (time STOPPED not counted)',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  timeoutSec?: number;
}

export class RetryDto {
  @ApiPropertyOptional({
    description:
      "runs again a trial whose worker was lost (its lease lapsed) while it has run at most this many times; default: the platform's TUNEFORGE_MAX_RETRIES",
    minimum: 0,
    maximum: MAX_RETRIES_LIMIT,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_RETRIES_LIMIT)
  maxRetries?: number;

  @ApiPropertyOptional({
    description:
      'runs again (same number, same parameters) a trial whose objective failed while it has run at most this many times',
    default: 0,
    minimum: 0,
    maximum: MAX_RETRIES_LIMIT,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_RETRIES_LIMIT)
  retryFailedTrials?: number;
}

export class CreateStudyDto {
  @ApiProperty({
    example: 'branin-tpe',
    description: 'unique; not all digits (an all-digit path segment is an id)',
  })
  @IsString()
  @MaxLength(128)
  @Matches(STUDY_NAME, { message: 'name must start with a letter or digit and hold letters, digits, _ . -' })
  @NotAllDigits({
    message: 'name cannot be all digits: an all-digit path segment (/studies/123) is read as a study id',
  })
  name!: string;

  @ApiPropertyOptional({ enum: DIRECTIONS, default: 'minimize' })
  @IsOptional()
  @IsIn(DIRECTIONS)
  direction?: StudyDirection;

  @ApiPropertyOptional({ enum: DIRECTIONS, isArray: true, description: 'one per objective' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(16)
  @IsIn(DIRECTIONS, { each: true })
  directions?: StudyDirection[];

  @ApiPropertyOptional({ type: [SearchSpaceParamDto] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => SearchSpaceParamDto)
  searchSpace?: SearchSpaceParamDto[];

  @ApiPropertyOptional({ type: SamplerDto })
  @IsOptional()
  @ValidateNested({ message: 'sampler must be an object, e.g. {"type": "tpe"}' })
  @Type(() => SamplerDto)
  sampler?: SamplerDto;

  @ApiPropertyOptional({ type: PrunerDto })
  @IsOptional()
  @ValidateNested({ message: 'pruner must be an object, e.g. {"type": "median"}' })
  @Type(() => PrunerDto)
  pruner?: PrunerDto;

  @ApiPropertyOptional({
    type: ObjectiveDto,
    description: 'left out (or {"client": true}): a client-only study, run through ask and tell',
  })
  @IsOptional()
  @ValidateNested({ message: 'objective must be an object, e.g. {"builtin": "branin"}' })
  @Type(() => ObjectiveDto)
  objective?: ObjectiveDto;

  @ApiProperty({ type: BudgetDto })
  @IsDefined()
  @ValidateNested({ message: 'budget must be an object, e.g. {"nTrials": 100}' })
  @Type(() => BudgetDto)
  budget!: BudgetDto;

  @ApiPropertyOptional({ type: RetryDto })
  @IsOptional()
  @ValidateNested({ message: 'retry must be an object, e.g. {"maxRetries": 2}' })
  @Type(() => RetryDto)
  retry?: RetryDto;

  @ApiPropertyOptional({
    description:
      'the trials of running studies of higher priority start first; studies of equal priority share the workers in turn (each within its budget.maxParallel)',
    default: 0,
    minimum: MIN_STUDY_PRIORITY,
    maximum: MAX_STUDY_PRIORITY,
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_STUDY_PRIORITY)
  @Max(MAX_STUDY_PRIORITY)
  priority?: number;

  @ApiPropertyOptional({
    description:
      'what each trial needs of a worker, resource name → amount: its trials go only to workers whose TUNEFORGE_WORKER_RESOURCES offer it (docs/PLATFORM.md, "Worker pools")',
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { gpu: 1 },
  })
  @IsOptional()
  @IsObject()
  resources?: Record<string, number>;

  @ApiPropertyOptional({ description: 'seed of the sampler' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 32 - 1)
  seed?: number;
}
