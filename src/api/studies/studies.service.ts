import { Injectable } from '@nestjs/common';
import {
  InvalidArgumentError,
  Storage,
  StudyNotFoundError,
  type JsonObject,
  type StudyDirection,
} from '@tuneforge/core';
import {
  checkStudyDefinition,
  definitionToJson,
  DEFINITION_ATTR,
  InvalidStudyDefinitionError,
  STARTED_AT_ATTR,
  STATE_ATTR,
  type ObjectiveRef,
  type PlatformStudyState,
  type StudyDefinition,
} from '@tuneforge/queue';
import type { Redis } from 'ioredis';
import { PlatformConfig } from '../../config/platform-config';
import { ObjectiveCatalogPort } from '../../providers/objective-catalog';
import { InjectRedis } from '../../providers/redis.provider';
import { PlatformTelemetry } from '../../telemetry/platform-telemetry';
import { RefillQueue } from '../../providers/refill-queue';
import { StudyCleanup } from '../../providers/study-cleanup';
import type { StudyRef } from '../common/route-params';
import { emptyCounts, toStudyResponse, type StudyResponse } from '../common/responses';
import type { CreateStudyDto } from './dto/create-study.dto';

const DEFAULT_MAX_PARALLEL = 4;

/** The rules of platform studies: definitions, lifecycle (RUNNING → STOPPED/COMPLETED), reads. */
@Injectable()
export class StudiesService {
  private readonly telemetry: PlatformTelemetry;

  constructor(
    private readonly storage: Storage,
    private readonly refill: RefillQueue,
    private readonly catalog: ObjectiveCatalogPort,
    private readonly cleanup: StudyCleanup,
    @InjectRedis() redis: Redis,
    config: PlatformConfig,
  ) {
    this.telemetry = new PlatformTelemetry(redis, config.queuePrefix, 'api');
  }

  async create(dto: CreateStudyDto): Promise<StudyResponse> {
    const definition = checkStudyDefinition(toDefinition(dto), this.catalog);
    const record = await this.storage.createStudy({
      studyName: definition.name,
      directions: definition.directions,
      systemAttrs: {
        [DEFINITION_ATTR]: definitionToJson(definition),
        [STATE_ATTR]: 'RUNNING',
        [STARTED_AT_ATTR]: Date.now(),
      },
    });
    await this.refill.request(record.studyId, 'start');
    return toStudyResponse(record, emptyCounts(), []);
  }

  async list(): Promise<StudyResponse[]> {
    const studies = await this.storage.listStudies();
    return studies.map((s) => toStudyResponse(s, { ...s.trialCounts }));
  }

  async get(ref: StudyRef): Promise<StudyResponse> {
    const studyId = await this.resolve(ref);
    const record = await this.storage.getStudy(studyId);
    const trials = await this.storage.getAllTrials(studyId);
    const counts = emptyCounts();
    for (const t of trials) counts[t.state]++;
    return toStudyResponse(
      record,
      counts,
      trials.filter((t) => t.state === 'COMPLETE'),
    );
  }

  async stop(ref: StudyRef): Promise<StudyResponse> {
    const studyId = await this.resolve(ref);
    await this.requirePlatformStudy(studyId);
    await this.storage.setStudySystemAttr(studyId, STATE_ATTR, 'STOPPED');
    await this.telemetry.studyStateChanged(studyId, 'STOPPED');
    return this.get(studyId);
  }

  async resume(ref: StudyRef): Promise<StudyResponse> {
    const studyId = await this.resolve(ref);
    const state = await this.requirePlatformStudy(studyId);
    if (state === 'COMPLETED') {
      throw new InvalidArgumentError(
        `Study ${studyId} is COMPLETED: its budget is spent; create a new study to go on.`,
      );
    }
    await this.storage.setStudySystemAttr(studyId, STATE_ATTR, 'RUNNING');
    await this.telemetry.studyStateChanged(studyId, 'RUNNING');
    await this.refill.request(studyId, 'resume');
    return this.get(studyId);
  }

  async remove(ref: StudyRef): Promise<void> {
    const studyId = await this.resolve(ref);
    await this.storage.deleteStudy(studyId);
    await this.cleanup.afterDelete(studyId);
  }

  /** The id of a study given by id or by name (see {@link StudyRef}). @throws StudyNotFoundError */
  async resolve(ref: StudyRef): Promise<number> {
    if (typeof ref === 'number') {
      await this.storage.getStudy(ref);
      return ref;
    }
    return this.storage.getStudyIdByName(ref);
  }

  private async requirePlatformStudy(studyId: number): Promise<PlatformStudyState> {
    const record = await this.storage.getStudy(studyId);
    const state = record.systemAttrs[STATE_ATTR] as PlatformStudyState | undefined;
    if (!state) throw new StudyNotFoundError(`Study ${studyId} was not created through the platform.`);
    return state;
  }
}

function objectiveRef(dto: CreateStudyDto['objective']): ObjectiveRef {
  const given = (['builtin', 'module', 'command', 'inlineCommand'] as const).filter(
    (k) => dto[k] !== undefined,
  );
  if (given.length !== 1) {
    throw new InvalidStudyDefinitionError(
      'objective',
      `give exactly one of builtin, module, command, inlineCommand (got ${given.length ? given.join(', ') : 'none'})`,
    );
  }
  if (dto.builtin !== undefined) return { kind: 'builtin', name: dto.builtin };
  if (dto.module !== undefined) return { kind: 'module', name: dto.module };
  if (dto.command !== undefined) return { kind: 'command', name: dto.command };
  return { kind: 'inline-command', argv: dto.inlineCommand! };
}

/** The DTO (shape already validated) as a definition with the platform's defaults filled in. */
function toDefinition(dto: CreateStudyDto): StudyDefinition {
  if (dto.direction !== undefined && dto.directions !== undefined) {
    throw new InvalidStudyDefinitionError('directions', "give either 'direction' or 'directions', not both");
  }
  const directions: StudyDirection[] = dto.directions ?? [dto.direction ?? 'minimize'];
  const nTrials = dto.budget.nTrials;
  return {
    name: dto.name,
    directions,
    // Through JSON: DTO instances carry undefined for absent fields, which the space parser would refuse.
    searchSpace: dto.searchSpace
      ? (JSON.parse(JSON.stringify(dto.searchSpace)) as Array<Record<string, unknown>>)
      : null,
    sampler: {
      type: dto.sampler?.type ?? 'auto',
      seed: dto.seed,
      grid: dto.sampler?.grid,
      options: (dto.sampler?.options ?? {}) as JsonObject,
    },
    pruner: {
      type: dto.pruner?.type ?? (directions.length === 1 ? 'median' : 'none'),
      options: (dto.pruner?.options ?? {}) as JsonObject,
    },
    objective: objectiveRef(dto.objective),
    budget: {
      nTrials,
      maxParallel: dto.budget.maxParallel ?? Math.min(DEFAULT_MAX_PARALLEL, nTrials),
      timeoutSec: dto.budget.timeoutSec ?? null,
    },
    seed: dto.seed ?? null,
  };
}
