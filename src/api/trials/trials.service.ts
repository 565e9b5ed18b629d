import { Injectable } from '@nestjs/common';
import {
  contains,
  formatTrials,
  InvalidArgumentError,
  parseSearchSpace,
  Storage,
  toInternal,
  TrialNotFoundError,
  type FrozenTrial,
  type JsonObject,
} from '@tuneforge/core';
import { DEFINITION_ATTR, type StudyDefinition } from '@tuneforge/queue';
import { RefillQueue } from '../../providers/refill-queue';
import { toTrialResponse, type TrialResponse } from '../common/responses';
import type { StudyRef } from '../common/route-params';
import { StudiesService } from '../studies/studies.service';
import type { EnqueueTrialDto } from './dto/enqueue-trial.dto';
import type { ListTrialsQuery, TrialOrder } from './dto/list-trials.query';

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
    private readonly refill: RefillQueue,
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

  /** Enqueues a trial with fixed parameters; the scheduler runs it before sampling new ones. */
  async enqueue(ref: StudyRef, dto: EnqueueTrialDto): Promise<TrialResponse> {
    const studyId = await this.studies.resolve(ref);
    const record = await this.storage.getStudy(studyId);
    const definition = record.systemAttrs[DEFINITION_ATTR] as unknown as StudyDefinition | undefined;
    if (definition?.searchSpace) {
      const space = parseSearchSpace(definition.searchSpace);
      for (const [name, value] of Object.entries(dto.params)) {
        const param = space.parameters.find((p) => p.name === name);
        if (!param)
          throw new InvalidArgumentError(`params.${name}: not a parameter of the study's search space`);
        const ok = (() => {
          try {
            return contains(param.distribution, toInternal(param.distribution, value));
          } catch {
            return false;
          }
        })();
        if (!ok)
          throw new InvalidArgumentError(
            `params.${name}: ${JSON.stringify(value)} is outside the parameter's range`,
          );
      }
    }
    const trial = await this.storage.createTrial(studyId, {
      state: 'WAITING',
      systemAttrs: { fixed_params: dto.params as JsonObject },
    });
    await this.refill.request(studyId, 'start');
    return toTrialResponse(trial);
  }
}
