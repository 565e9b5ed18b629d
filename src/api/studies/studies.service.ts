import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import {
  DuplicateStudyError,
  Storage,
  type JsonObject,
  type StudyDirection,
  type StudyRecord,
} from '@tuneforge/core';
import {
  changeStudyState,
  checkStudyDefinition,
  definitionToJson,
  DEFAULT_STUDY_PRIORITY,
  DEFINITION_ATTR,
  InvalidStudyDefinitionError,
  nextStudyState,
  STARTED_AT_ATTR,
  STATE_ATTR,
  studyStateOf,
  type ObjectiveRef,
  type PlatformStudyState,
  type RefillReason,
  type StudyDefinition,
  type StudyResponse,
  type RedisClient,
} from '@tuneforge/platform';
import { ObjectiveRegistry } from '@tuneforge/sandbox';
import { DataSource } from 'typeorm';
import { PlatformConfig } from '../../config/platform-config';
import { ObjectiveCatalogPort } from '../../providers/objective-catalog';
import { InjectRedis } from '../../providers/redis.provider';
import { PlatformTelemetry } from '../../telemetry/platform-telemetry';
import { RefillQueue } from '../../providers/refill-queue';
import { StudyCleanup } from '../../providers/study-cleanup';
import type { StudyRef } from '../common/route-params';
import { emptyCounts, toStudyResponse, toTrialResponse } from '../common/responses';
import { badFields, errorBody } from '../common/error-body';
import { StudyLock } from '../../providers/study-lock';
import { checkGrid, knownSpaceOf } from '../trials/enqueued-params';
import { firstDifference } from './definition-difference';
import type { CreateStudyDto } from './dto/create-study.dto';
import { PlatformDependencies, withTimeout } from './platform-dependencies';

const DEFAULT_MAX_PARALLEL = 4;
/** How long a route waits for its refill request to reach Redis before leaving it to the sweep. */
const REFILL_REQUEST_MS = 3000;
/** How long a change waits for the study's lock (a refill under way holds it for its sampling). */
const STUDY_LOCK_WAIT_MS = 5000;

/** What `POST /studies` did: created the study (201), or found it with the same definition (200). */
export interface CreateOutcome {
  created: boolean;
  study: StudyResponse;
}

/**
 * The rules of platform studies: definitions, the lifecycle (libs/platform study-lifecycle.ts: every change
 * of state goes through it), reads.
 */
@Injectable()
export class StudiesService {
  private readonly logger = new Logger('api');
  private readonly telemetry: PlatformTelemetry;
  private readonly dependencies: PlatformDependencies;
  private readonly lock: StudyLock;

  constructor(
    private readonly storage: Storage,
    private readonly refill: RefillQueue,
    private readonly catalog: ObjectiveCatalogPort,
    private readonly cleanup: StudyCleanup,
    @InjectRedis() redis: RedisClient,
    private readonly config: PlatformConfig,
    dataSource: DataSource,
    private readonly registry: ObjectiveRegistry,
  ) {
    this.telemetry = new PlatformTelemetry(redis, config.queuePrefix, 'api');
    this.dependencies = new PlatformDependencies(redis, dataSource);
    this.lock = new StudyLock(redis, config.queuePrefix);
  }

  /**
   * Runs a change of the study (read, check, write) under its lock, so that it never interleaves with the
   * scheduler's refill or completion, nor with another change. @throws ServiceUnavailableException when
   * the lock stays taken for STUDY_LOCK_WAIT_MS
   */
  async underStudyLock<T>(studyId: number, change: () => Promise<T>): Promise<T> {
    let result: T | undefined;
    const held = await this.lock.withLock(
      studyId,
      async () => {
        result = await change();
      },
      STUDY_LOCK_WAIT_MS,
    );
    if (!held) {
      throw new ServiceUnavailableException(
        errorBody(
          503,
          `Study ${studyId} is being changed by another request or the scheduler for more than ${STUDY_LOCK_WAIT_MS / 1000} s: nothing was changed; try again.`,
        ),
      );
    }
    return result as T;
  }

  /**
   * Creates and starts a study. Idempotent: when a study of that name exists with the same definition,
   * it is returned as it is (`created: false`, HTTP 200), so a client may retry a request whose answer it
   * lost; with another definition it is a 409 naming the first field that differs.
   */
  async create(dto: CreateStudyDto): Promise<CreateOutcome> {
    const definition = checkStudyDefinition(toDefinition(dto, this.config.maxRetries), this.catalog);
    if (definition.sampler.type === 'grid' && definition.sampler.grid) {
      const errors = checkGrid(definition.sampler.grid, knownSpaceOf(definition, this.registry));
      if (errors.length > 0) throw badFields(errors);
    }
    const json = definitionToJson(definition);
    await this.dependencies.require();
    let record: StudyRecord;
    try {
      record = await this.storage.createStudy({
        studyName: definition.name,
        directions: definition.directions,
        systemAttrs: { [DEFINITION_ATTR]: json, [STATE_ATTR]: 'RUNNING', [STARTED_AT_ATTR]: Date.now() },
      });
    } catch (e) {
      if (!(e instanceof DuplicateStudyError)) throw e;
      return { created: false, study: await this.existingWithSameDefinition(definition.name, json) };
    }
    await this.requestRefill(record.studyId, 'start');
    return { created: true, study: toStudyResponse(record, emptyCounts(), []) };
  }

  async list(): Promise<StudyResponse[]> {
    const studies = await this.storage.listStudies();
    return studies.map((s) => toStudyResponse(s, { ...s.trialCounts }));
  }

  /**
   * The study with its counts (the storage's counters) and its best trial (the first feasible one of a
   * value index walk), so that its cost does not grow with the study. A multi-objective study's Pareto
   * front still reads its COMPLETE trials (see docs/PLATFORM.md, "Big studies").
   */
  async get(ref: StudyRef): Promise<StudyResponse> {
    const studyId = typeof ref === 'number' ? ref : await this.storage.getStudyIdByName(ref);
    const record = await this.storage.getStudy(studyId);
    const [counts, best] = await Promise.all([
      this.storage.countTrials(studyId),
      record.directions.length === 1 ? this.storage.getBestTrial(studyId, record.directions[0]) : null,
    ]);
    if (record.directions.length > 1) {
      return toStudyResponse(record, counts, await this.storage.getAllTrials(studyId, ['COMPLETE']));
    }
    return { ...toStudyResponse(record, counts), best: best ? toTrialResponse(best) : null };
  }

  /** RUNNING → STOPPED; a STOPPED study is answered as it is; a COMPLETED one is a 409. */
  async stop(ref: StudyRef): Promise<StudyResponse> {
    await this.dependencies.require();
    const studyId = await this.resolve(ref);
    const change = await this.underStudyLock(studyId, () => changeStudyState(this.storage, studyId, 'stop'));
    if (change.changed) await this.notifyStateChanged(studyId, change.to);
    return this.get(studyId);
  }

  /** STOPPED → RUNNING; a RUNNING study is answered as it is (and topped up); a COMPLETED one is a 409. */
  async resume(ref: StudyRef): Promise<StudyResponse> {
    await this.dependencies.require();
    const studyId = await this.resolve(ref);
    const change = await this.underStudyLock(studyId, () =>
      changeStudyState(this.storage, studyId, 'resume'),
    );
    if (change.changed) await this.notifyStateChanged(studyId, change.to);
    await this.requestRefill(studyId, 'resume');
    return this.get(studyId);
  }

  /** Deletes a study in any state (a study the platform did not create too). */
  async remove(ref: StudyRef): Promise<void> {
    await this.dependencies.require();
    const studyId = await this.resolve(ref);
    // A platform study goes through the lifecycle table (delete is allowed in every state); a study that
    // the CLI or the library created has no platform state and is deleted as it is.
    const record = await this.storage.getStudy(studyId);
    if (record.systemAttrs[STATE_ATTR] !== undefined) nextStudyState(studyId, studyStateOf(record), 'delete');
    await this.storage.deleteStudy(studyId);
    await this.cleanup.afterDelete(studyId);
    // Open dashboards read the study again, find it gone, and say so.
    await this.notifyStateChanged(studyId, 'DELETED');
  }

  /** 503 naming Redis or Postgres when one does not answer: call it before a route changes anything. */
  requireDependencies(): Promise<void> {
    return this.dependencies.require();
  }

  /**
   * Asks the scheduler to top the study up, waiting at most a few seconds for Redis: the change is
   * stored already, and the scheduler's sweep requests a refill of every RUNNING study every few
   * seconds, so a request lost here only delays the start.
   */
  async requestRefill(studyId: number, reason: RefillReason): Promise<void> {
    try {
      await withTimeout(this.refill.request(studyId, reason), REFILL_REQUEST_MS, 'refill request');
    } catch (e) {
      this.logger.warn(
        `study ${studyId}: ${(e as Error).message}; the scheduler's sweep will refill it once Redis answers`,
      );
    }
  }

  /** Tells the dashboards of the new state: best effort, bounded like the refill request (the state is stored). */
  private async notifyStateChanged(studyId: number, state: PlatformStudyState | 'DELETED'): Promise<void> {
    try {
      await withTimeout(this.telemetry.studyStateChanged(studyId, state), REFILL_REQUEST_MS, 'state event');
    } catch (e) {
      this.logger.warn(
        `study ${studyId}: ${(e as Error).message}; dashboards show ${state} on their next read`,
      );
    }
  }

  /** The id of a study given by id or by name (see {@link StudyRef}). @throws StudyNotFoundError */
  async resolve(ref: StudyRef): Promise<number> {
    if (typeof ref === 'number') {
      await this.storage.getStudy(ref);
      return ref;
    }
    return this.storage.getStudyIdByName(ref);
  }

  /** The study named `name`, when its stored definition is `given`. @throws DuplicateStudyError otherwise */
  private async existingWithSameDefinition(name: string, given: JsonObject): Promise<StudyResponse> {
    const studyId = await this.storage.getStudyIdByName(name);
    const record = await this.storage.getStudy(studyId);
    const stored = record.systemAttrs[DEFINITION_ATTR];
    if (stored === undefined) {
      throw new DuplicateStudyError(
        `A study named '${name}' already exists and was not created through the platform: choose another name.`,
      );
    }
    const difference = firstDifference(stored, given);
    if (difference) {
      const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
      throw new DuplicateStudyError(
        `A study named '${name}' already exists with a different definition: ${difference.field} is ` +
          `${show(difference.stored)} there, ${show(difference.given)} here. Send the same definition to ` +
          `get the existing study, or choose another name (or DELETE /studies/${name} first).`,
      );
    }
    // The first request may have lost its refill request (Redis went away after the write): ask again.
    if (record.systemAttrs[STATE_ATTR] === 'RUNNING') await this.requestRefill(studyId, 'start');
    return this.get(studyId);
  }
}

function objectiveRef(dto: CreateStudyDto['objective']): ObjectiveRef {
  // No objective, or {"client": true}: clients run the trials (ask and tell).
  if (dto === undefined) return { kind: 'client' };
  const given = (['builtin', 'module', 'command', 'inlineCommand', 'client'] as const).filter(
    (k) => dto[k] !== undefined,
  );
  if (given.length !== 1 || dto.client === false) {
    throw new InvalidStudyDefinitionError(
      'objective',
      `give exactly one of builtin, module, command, inlineCommand, client: true (got ${given.length ? given.join(', ') : 'none'})`,
    );
  }
  if (dto.client) return { kind: 'client' };
  if (dto.builtin !== undefined) return { kind: 'builtin', name: dto.builtin };
  if (dto.module !== undefined) return { kind: 'module', name: dto.module };
  if (dto.command !== undefined) return { kind: 'command', name: dto.command };
  return { kind: 'inline-command', argv: dto.inlineCommand! };
}

/** The DTO (shape already validated) as a definition with the platform's defaults filled in. */
function toDefinition(dto: CreateStudyDto, defaultMaxRetries: number): StudyDefinition {
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
    // Stored whole: the platform's default of the day is the study's for its lifetime.
    retry: {
      maxRetries: dto.retry?.maxRetries ?? defaultMaxRetries,
      retryFailedTrials: dto.retry?.retryFailedTrials ?? 0,
    },
    priority: dto.priority ?? DEFAULT_STUDY_PRIORITY,
    // Only when given, so that the definitions of studies without it stay as they were (same JSON).
    ...(dto.resources !== undefined ? { resources: { ...dto.resources } } : {}),
  };
}
