import { BadRequestException, Injectable } from '@nestjs/common';
import { Storage, studyPlots, type FrozenTrial } from '@tuneforge/core';
import type { ImportancesResponse, StudyPlotsResponse } from '@tuneforge/platform';
import { fieldErrorBody } from '../common/error-body';
import type { StudyRef } from '../common/route-params';
import { StudiesService } from '../studies/studies.service';

interface CacheEntry {
  signature: string;
  expires: number;
  /** Until then the answer is given without reading the trials again (see REUSE_FACTOR). */
  reuseUntil: number;
  response: StudyPlotsResponse;
}

/**
 * A slow answer is reused, without reading the trials, for this many times as long as it took to read them and
 * compute it, at most MAX_REUSE_MS: a study of thousands of trials (a second or more on the API's event loop)
 * is recomputed every several seconds however many dashboards follow it, not after each finished trial.
 */
const REUSE_FACTOR = 10;
/** Below this, an answer is recomputed as soon as the trials change (a small study's plots follow each trial). */
const SLOW_MS = 250;
const MAX_REUSE_MS = 30_000;

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
    const started = performance.now();
    const studyId = await this.studies.resolve(ref);
    const record = await this.storage.getStudy(studyId);
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
    const hit = this.cache.get(key);
    if (hit && Date.now() < hit.reuseUntil) return hit.response;
    const trials = await this.storage.getAllTrials(studyId);
    const now = Date.now();
    const signature = trialsSignature(trials);
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
    const cost = performance.now() - started;
    this.cache.delete(key);
    this.cache.set(key, {
      signature,
      expires: running ? now + RUNNING_TTL_MS : Infinity,
      reuseUntil: cost < SLOW_MS ? 0 : Date.now() + Math.min(MAX_REUSE_MS, REUSE_FACTOR * cost),
      response,
    });
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
