import { BadRequestException, Injectable } from '@nestjs/common';
import { formatTrials, Storage, TrialNotFoundError, type JsonObject } from '@tuneforge/core';
import {
  budgetTimedOut,
  checkEnqueue,
  readStudyDefinition,
  studyStateOf,
  type TrialResponse,
} from '@tuneforge/platform';
import { ObjectiveRegistry } from '@tuneforge/sandbox';
import { badFields, fieldErrorBody } from '../common/error-body';
import { toTrialResponse } from '../common/responses';
import type { StudyRef } from '../common/route-params';
import { StudiesService } from '../studies/studies.service';
import type { EnqueueTrialDto } from './dto/enqueue-trial.dto';
import type { ListTrialsQuery } from './dto/list-trials.query';
import { checkEnqueuedParams, knownSpaceOf } from './enqueued-params';
import { formatCursor, parseCursor } from './trial-cursor';

export interface TrialPage {
  /** Trials of the study (in the state asked for), from the storage's counters. */
  total: number;
  offset: number;
  limit: number;
  items: TrialResponse[];
  /** Pass as `after` for the page that follows (keyset paging); null on the last page. */
  next: string | null;
}

@Injectable()
export class TrialsService {
  constructor(
    private readonly storage: Storage,
    private readonly studies: StudiesService,
    private readonly registry: ObjectiveRegistry,
  ) {}

  /**
   * A page of the study's trials: after the position `after` (keyset, each page an index range) or after
   * `offset` trials (read and dropped by the database). @throws BadRequestException naming `after`
   */
  async list(ref: StudyRef, query: ListTrialsQuery): Promise<TrialPage> {
    const studyId = await this.studies.resolve(ref);
    const order = query.order ?? 'number';
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    if (query.after !== undefined && offset !== 0) {
      throw new BadRequestException(
        fieldErrorBody(
          400,
          'offset',
          'give either after (the next of the previous page) or offset, not both',
        ),
      );
    }
    const after = query.after === undefined ? null : parseCursor(query.after, order);
    const [page, counts] = await Promise.all([
      this.storage.getTrialPage(studyId, { state: query.state, order, after, offset, limit }),
      this.storage.countTrials(studyId),
    ]);
    const total = query.state ? counts[query.state] : Object.values(counts).reduce((sum, n) => sum + n, 0);
    return {
      total,
      offset,
      limit,
      items: page.trials.map(toTrialResponse),
      next: page.next ? formatCursor(page.next) : null,
    };
  }

  async get(ref: StudyRef, number: number): Promise<TrialResponse> {
    const studyId = await this.studies.resolve(ref);
    const trial = await this.storage.getTrialByNumber(studyId, number);
    if (!trial) throw new TrialNotFoundError(`Study ${ref} has no trial number ${number}.`);
    return toTrialResponse(trial);
  }

  async csv(ref: StudyRef): Promise<string> {
    const studyId = await this.studies.resolve(ref);
    const record = await this.storage.getStudy(studyId);
    return formatTrials(await this.storage.getAllTrials(studyId), record.directions.length, 'csv');
  }

  /**
   * Enqueues a trial with fixed parameters; the scheduler runs it before sampling new ones (on a STOPPED
   * study, once it is resumed). Refused before anything is written: 409 when the study's state or budget
   * does not allow one more trial (libs/platform study-lifecycle.ts), 400 naming each bad parameter, 503
   * when Redis or Postgres does not answer.
   */
  async enqueue(ref: StudyRef, dto: EnqueueTrialDto): Promise<TrialResponse> {
    await this.studies.requireDependencies();
    const studyId = await this.studies.resolve(ref);
    // Under the study's lock: the scheduler neither samples nor completes the study between the checks
    // and the write (no trial past the budget, none left WAITING on a COMPLETED study).
    const { trial, state } = await this.studies.underStudyLock(studyId, async () => {
      const record = await this.storage.getStudy(studyId);
      const state = studyStateOf(record);
      const definition = readStudyDefinition(record.studyName, record.systemAttrs)!;
      const counts = await this.storage.countTrials(studyId);
      const trialCount = Object.values(counts).reduce((sum, n) => sum + n, 0);
      const { nTrials, timeoutSec } = definition.budget;
      checkEnqueue(studyId, state, trialCount, nTrials, budgetTimedOut(record, timeoutSec));
      const errors = checkEnqueuedParams(dto.params, knownSpaceOf(definition, this.registry));
      if (errors.length > 0) throw badFields(errors);
      const trial = await this.storage.createTrial(studyId, {
        state: 'WAITING',
        systemAttrs: { fixed_params: dto.params as JsonObject },
      });
      return { trial, state };
    });
    if (state === 'RUNNING') await this.studies.requestRefill(studyId, 'start');
    return toTrialResponse(trial);
  }
}
