import { Injectable, Logger } from '@nestjs/common';
import {
  createPruner,
  createSampler,
  isFinished,
  loadStudy,
  RandomSampler,
  Storage,
  StudyNotFoundError,
  TrialAlreadyFinishedError,
  TrialNotFoundError,
  TrialPruned,
  type FrozenTrial,
  type Objective,
  type Study,
} from '@tuneforge/core';
import { DEFINITION_ATTR, RedisKeys, type StudyDefinition, type TrialJobData } from '@tuneforge/queue';
import type { Redis } from 'ioredis';
import { PlatformConfig } from '../config/platform-config';
import { InjectRedis } from '../providers/redis.provider';
import { RefillQueue } from '../providers/refill-queue';
import { PlatformTelemetry } from '../telemetry/platform-telemetry';
import { ObjectiveFactory } from './objective-factory';
import { RedisPruningIndex } from './pruning-index';
import { RedisPruningSource } from './redis-pruning-source';

export const ATTEMPT_ATTR = 'platform:attempt';
/** Window in which a worker's refill requests for one study are merged into one. */
const REFILL_COALESCE_MS = 5;

/** How a job ended, for logs and tests. */
export type TrialRunOutcome =
  'COMPLETE' | 'PRUNED' | 'FAIL' | 'study-gone' | 'trial-gone' | 'already-finished' | 'claimed-elsewhere';

interface WorkerStudy {
  study: Study;
  definition: StudyDefinition;
  objective: Objective;
}

/**
 * Runs one trial of a job: claims it (exactly one run per trial comes from the conditional
 * WAITING → RUNNING change; a re-run after its worker stopped, from the conditional change of the
 * attempt, which also records the new worker and start), runs the objective with the study's
 * sampler for define-by-run parameters and its pruner on the Redis index, and commits the result.
 */
@Injectable()
export class TrialRunner {
  private readonly logger = new Logger('worker');
  private readonly studies = new Map<number, Promise<WorkerStudy | null>>();
  private readonly pendingRefills = new Set<number>();
  private readonly index: RedisPruningIndex;
  private readonly telemetry: PlatformTelemetry;

  constructor(
    private readonly storage: Storage,
    private readonly config: PlatformConfig,
    private readonly refills: RefillQueue,
    private readonly objectives: ObjectiveFactory,
    @InjectRedis() redis: Redis,
  ) {
    this.index = new RedisPruningIndex(redis, new RedisKeys(config.queuePrefix));
    this.telemetry = new PlatformTelemetry(redis, config.queuePrefix, 'worker');
  }

  async run(job: TrialJobData): Promise<TrialRunOutcome> {
    const entry = await this.studyFor(job.studyId);
    if (!entry) return 'study-gone';
    const claimed = await this.claim(job, entry);
    if (typeof claimed === 'string') return claimed;
    const finished = await this.execute(entry, claimed);
    if (finished.state === 'COMPLETE') await this.index.recordComplete(job.studyId, finished);
    await this.telemetry.trialFinished(job.studyId, finished);
    this.requestRefill(job.studyId);
    return finished.state as TrialRunOutcome;
  }

  /** The trial, RUNNING for this worker; or why there is nothing to run. */
  private async claim(job: TrialJobData, entry: WorkerStudy): Promise<FrozenTrial | TrialRunOutcome> {
    // The common case first: one conditional update takes a WAITING trial.
    try {
      return await this.storage.claimTrial(job.trialId, this.config.workerId, Date.now());
    } catch (e) {
      if (e instanceof TrialNotFoundError) return 'trial-gone';
      if (!(e instanceof TrialAlreadyFinishedError)) throw e;
    }
    const trial = await this.storage.getTrial(job.trialId).catch((e: unknown) => {
      if (e instanceof TrialNotFoundError) return null;
      throw e;
    });
    if (trial === null) return 'trial-gone';
    if (isFinished(trial.state)) return 'already-finished';
    if (trial.state === 'WAITING') return 'claimed-elsewhere';
    // RUNNING: the worker that had it stopped, and BullMQ handed its job to us.
    const attempt = Number(trial.systemAttrs[ATTEMPT_ATTR] ?? 1) + 1;
    if (attempt > 1 + this.config.maxRetries) {
      const reason = `the worker running this trial stopped ${attempt - 1} time(s); no retry left (TUNEFORGE_MAX_RETRIES=${this.config.maxRetries})`;
      const live = entry.study.attachTrial(trial);
      const failed = await entry.study.tell(live, 'FAIL', { failReason: reason });
      await this.telemetry.trialFinished(job.studyId, failed);
      return 'FAIL';
    }
    // Take it for this attempt: the new worker and start replace the stopped worker's (the trial's
    // duration is the last attempt's), conditionally on the attempt we read, so one worker wins.
    let reclaimed: FrozenTrial;
    try {
      reclaimed = await this.storage.claimTrial(job.trialId, this.config.workerId, Date.now(), attempt);
    } catch (e) {
      if (e instanceof TrialNotFoundError) return 'trial-gone';
      if (e instanceof TrialAlreadyFinishedError) return 'claimed-elsewhere';
      throw e;
    }
    this.logger.warn({
      msg: `trial ${trial.number} of study ${job.studyId}: run again (attempt ${attempt})`,
      studyId: job.studyId,
      trialId: trial.trialId,
      trialNumber: trial.number,
      attempt,
    });
    return reclaimed;
  }

  private async execute(entry: WorkerStudy, trial: FrozenTrial): Promise<FrozenTrial> {
    const { study, objective } = entry;
    // Module objectives meet parameters the scheduler could not plan: the model-based samplers draw
    // them from the history, so read what changed. Other objectives got every parameter planned.
    if (entry.definition.objective.kind === 'module' && !(study.sampler instanceof RandomSampler)) {
      await study.refresh();
    }
    // First runs carry no attempt attribute; re-runs got theirs with their claim.
    const live = study.attachTrial(trial);
    try {
      return await study.tell(live, await objective(live));
    } catch (error) {
      if (error instanceof TrialPruned) return study.tell(live, 'PRUNED');
      const message = error instanceof Error ? error.message : String(error);
      return study.tell(live, 'FAIL', { failReason: message });
    }
  }

  private studyFor(studyId: number): Promise<WorkerStudy | null> {
    let entry = this.studies.get(studyId);
    if (!entry) {
      entry = this.load(studyId);
      this.studies.set(studyId, entry);
      // A failed load (e.g. the database was down) is retried by the next job.
      entry.catch(() => this.studies.delete(studyId));
    }
    return entry;
  }

  private async load(studyId: number): Promise<WorkerStudy | null> {
    let record;
    try {
      record = await this.storage.getStudy(studyId);
    } catch (e) {
      if (e instanceof StudyNotFoundError) return null;
      throw e;
    }
    const definition = record.systemAttrs[DEFINITION_ATTR] as unknown as StudyDefinition | undefined;
    if (!definition) return null;
    await this.index.ensureStudy(studyId, () => this.storage.getAllTrials(studyId));
    let source: RedisPruningSource | null = null;
    const study = await loadStudy({
      studyName: record.studyName,
      storage: this.storage,
      sampler: createSampler(definition.sampler),
      pruner: this.telemetry.countDecisions(createPruner(definition.pruner)),
      pruningSource: {
        get view() {
          return source!.view;
        },
        refresh: (trial, step) => source!.refresh(trial, step),
        recordSystemAttr: (trial, key, value) => source!.recordSystemAttr(trial, key, value),
      },
    });
    source = new RedisPruningSource(this.index, studyId, study.view);
    return { study, definition, objective: this.objectives.create(definition, record.studyName) };
  }

  /**
   * Asks the scheduler to refill a study, at most once per REFILL_COALESCE_MS per study in this process:
   * trials that finish together free their slots with one request (the request after the window
   * covers all of them, so none is lost).
   */
  private requestRefill(studyId: number): void {
    if (this.pendingRefills.has(studyId)) return;
    this.pendingRefills.add(studyId);
    setTimeout(() => {
      this.pendingRefills.delete(studyId);
      this.refills.request(studyId, 'trial-finished').catch((e: unknown) => {
        this.logger.warn(`refill request for study ${studyId} failed: ${(e as Error).message}`);
      });
    }, REFILL_COALESCE_MS);
  }

  /** Forgets a study (deleted, or its definition changed). */
  forget(studyId: number): void {
    this.studies.delete(studyId);
  }
}
