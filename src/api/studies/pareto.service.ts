import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import {
  DEFAULT_REFERENCE_POINT_RULE,
  hypervolumeHistoryPlot,
  paretoSummary,
  Storage,
  type HypervolumePoint,
  type StudyDirection,
} from '@tuneforge/core';
import type { TrialResponse } from '@tuneforge/platform';
import { errorBody, fieldErrorBody } from '../common/error-body';
import { toTrialResponse } from '../common/responses';
import type { StudyRef } from '../common/route-params';
import { StudiesService } from './studies.service';

/** `GET /studies/:id/pareto`: what the feasible Pareto front of a multi-objective study holds. */
export interface ParetoResponse {
  id: number;
  directions: readonly StudyDirection[];
  /** The COMPLETE feasible trials no other COMPLETE feasible trial dominates, in number order. */
  trials: TrialResponse[];
  /** COMPLETE trials left out because one of their constraints does not hold (> 0). */
  infeasible: number;
  /** In the objectives' own units; null when it is the default and no trial is COMPLETE yet. */
  referencePoint: number[] | null;
  /** `query` (?ref=) or `default`. */
  referencePointSource: 'query' | 'default';
  /** How the default reference point is chosen (present when it is used). */
  referencePointRule?: string;
  /** Of `trials`, with respect to the reference point; maximized objectives count upwards from it. */
  hypervolume: number;
  /**
   * The hypervolume after each finished trial, in number order, from the same reference point: it ends at
   * `hypervolume` (what the dashboard's and the report's hypervolume history draw). Empty without a point.
   */
  hypervolumeHistory: HypervolumePoint[];
}

/** A decimal number as JSON writes them (no hex, no spaces, no `Infinity`). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

@Injectable()
export class ParetoService {
  constructor(
    private readonly storage: Storage,
    private readonly studies: StudiesService,
  ) {}

  /**
   * The feasible front and its hypervolume. @throws BadRequestException naming `ref`, ConflictException
   * for a single-objective study (its best trial is `best` of GET /studies/:id)
   */
  async pareto(ref: StudyRef, referenceText?: string): Promise<ParetoResponse> {
    const id = await this.studies.resolve(ref);
    const [record, trials] = await Promise.all([this.storage.getStudy(id), this.storage.getAllTrials(id)]);
    const { directions } = record;
    if (directions.length === 1) {
      throw new ConflictException(
        errorBody(
          409,
          `Study ${id} has one objective: it has a best trial, not a Pareto front (GET /studies/${id}, field best).`,
        ),
      );
    }
    const given = referenceText === undefined ? undefined : parseReference(referenceText, directions.length);
    const summary = paretoSummary(trials, directions, given);
    return {
      id,
      directions,
      trials: summary.front.map(toTrialResponse),
      infeasible: summary.infeasible,
      referencePoint: summary.referencePoint,
      referencePointSource: given ? 'query' : 'default',
      ...(given ? {} : { referencePointRule: DEFAULT_REFERENCE_POINT_RULE }),
      hypervolume: summary.hypervolume,
      hypervolumeHistory: summary.referencePoint
        ? [
            ...hypervolumeHistoryPlot(trials, { directions }, { referencePoint: summary.referencePoint })
              .points,
          ]
        : [],
    };
  }
}

/** `?ref=1,2.5` as numbers, one per objective. @throws BadRequestException naming `ref` */
function parseReference(text: string, objectives: number): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const bad = parts.find((p) => !DECIMAL.test(p) || !Number.isFinite(Number(p)));
  if (parts.length !== objectives || bad !== undefined) {
    const why =
      bad !== undefined ? `${JSON.stringify(bad)} is not a finite decimal number` : `${parts.length} given`;
    throw new BadRequestException(
      fieldErrorBody(
        400,
        'ref',
        `give ${objectives} numbers separated by commas (one per objective, in the order of directions): ${why}`,
      ),
    );
  }
  return parts.map(Number);
}
