import { BadRequestException, Injectable } from '@nestjs/common';
import { Storage, studyPlots, type FrozenTrial } from '@tuneforge/core';
import type { ImportancesResponse, StudyPlotsResponse } from '@tuneforge/platform';
import { fieldErrorBody } from '../common/error-body';
import type { StudyRef } from '../common/route-params';
import { StudiesService } from '../studies/studies.service';

interface CacheEntry {
  signature: string;
  expires: number;
  response: StudyPlotsResponse;
}

/** Studies whose plots are kept: the ones dashboards are looking at. */
const CACHE_SIZE = 32;
/** While trials run, the timeline grows with the clock: a cached answer is this fresh at most. */
const RUNNING_TTL_MS = 2_000;
/** The importance forest's seed: the same trials always give the same ranking (and the report's). */
const IMPORTANCE_SEED = 0;

/**
 * The plot data of a study, from the core's `studyPlots` (the same functions as `tuneforge report`).
 * Fitting the importance forest costs CPU on the API's event loop, and every open dashboard asks again
 * after each finished trial, so answers are cached until the study's trials change.
 */
@Injectable()
export class StudyPlotsService {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly storage: Storage,
    private readonly studies: StudiesService,
  ) {}

  async plots(ref: StudyRef, objective = 0): Promise<StudyPlotsResponse> {
    const studyId = await this.studies.resolve(ref);
    const [record, trials] = await Promise.all([
      this.storage.getStudy(studyId),
      this.storage.getAllTrials(studyId),
    ]);
    if (objective >= record.directions.length) {
      const n = record.directions.length;
      throw new BadRequestException(
        fieldErrorBody(
          400,
          'objective',
          `study ${studyId} has ${n} objective${n === 1 ? '' : 's'}: give an index from 0 to ${n - 1}, got ${objective}`,
        ),
      );
    }
    const key = `${studyId}:${objective}`;
    const now = Date.now();
    const signature = trialsSignature(trials);
    const hit = this.cache.get(key);
    if (hit && hit.signature === signature && hit.expires > now) return hit.response;
    const plots = studyPlots(
      trials,
      { directions: record.directions },
      { objective, now, importanceSeed: IMPORTANCE_SEED },
    );
    const response: StudyPlotsResponse = {
      studyId,
      objective,
      trialCount: trials.length,
      generatedAt: new Date(now).toISOString(),
      plots,
    };
    const running = trials.some((t) => t.state === 'RUNNING');
    this.cache.delete(key);
    this.cache.set(key, { signature, expires: running ? now + RUNNING_TTL_MS : Infinity, response });
    // Map keeps insertion order: the first key is the least recently computed.
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return response;
  }

  async importances(ref: StudyRef, objective = 0): Promise<ImportancesResponse> {
    const { studyId, plots } = await this.plots(ref, objective);
    return { studyId, objective, importances: plots.importances };
  }
}

/** Changes whenever a trial is added, changes state, or reports a value. */
function trialsSignature(trials: readonly FrozenTrial[]): string {
  let states = '';
  let reports = 0;
  for (const t of trials) {
    states += t.state[0];
    reports += Object.keys(t.intermediateValues).length;
  }
  return `${trials.length}:${reports}:${states}`;
}
