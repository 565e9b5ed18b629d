import { Injectable } from '@nestjs/common';
import {
  formatTrials,
  Storage,
  TrialNotFoundError,
  type FrozenTrial,
  type JsonObject,
} from '@tuneforge/core';
import { checkEnqueue, readStudyDefinition, studyStateOf, type TrialResponse } from '@tuneforge/platform';
import { ObjectiveRegistry } from '@tuneforge/sandbox';
import { badFields } from '../common/error-body';
import { toTrialResponse } from '../common/responses';
import type { StudyRef } from '../common/route-params';
import { StudiesService } from '../studies/studies.service';
import type { EnqueueTrialDto } from './dto/enqueue-trial.dto';
import type { ListTrialsQuery, TrialOrder } from './dto/list-trials.query';
import { checkEnqueuedParams, knownSpaceOf } from './enqueued-params';

export interface TrialPage {
  total: number;
  offset: number;
  limit: number;
  items: TrialResponse[];
}

function compare(order: TrialOrder): (a: FrozenTrial, b: FrozenTrial) => number {
  const value = (t: FrozenTrial) => (t.values ? t.values[0] : null);
  switch (order) {
    case '-number':
      return (a, b) => b.number - a.number;
    case 'value':
    case '-value': {
      const sign = order === 'value' ? 1 : -1;
      // Trials without a value go last either way.
      return (a, b) => {
        const va = value(a);
        const vb = value(b);
        if (va === null || vb === null) return va === null ? (vb === null ? a.number - b.number : 1) : -1;
        return sign * (va - vb) || a.number - b.number;
      };
    }
    default:
      return (a, b) => a.number - b.number;
  }
}

@Injectable()
export class TrialsService {
  constructor(
    private readonly storage: Storage,
    private readonly studies: StudiesService,
    private readonly registry: ObjectiveRegistry,
  ) {}

  async list(ref: StudyRef, query: ListTrialsQuery): Promise<TrialPage> {
    const studyId = await this.studies.resolve(ref);
    const trials = [...(await this.storage.getAllTrials(studyId, query.state ? [query.state] : undefined))];
    trials.sort(compare(query.order ?? 'number'));
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    return {
      total: trials.length,
      offset,
      limit,
      items: trials.slice(offset, offset + limit).map(toTrialResponse),
    };
  }

  async get(ref: StudyRef, number: number): Promise<TrialResponse> {
    const studyId = await this.studies.resolve(ref);
    const trial = (await this.storage.getAllTrials(studyId)).find((t) => t.number === number);
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
      const trialCount = (await this.storage.getAllTrials(studyId)).length;
      checkEnqueue(studyId, state, trialCount, definition.budget.nTrials);
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
