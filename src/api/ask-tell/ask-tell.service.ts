import { Injectable } from '@nestjs/common';
import {
  ATTEMPT_ATTR,
  CONSTRAINTS_ATTR,
  contains,
  FAIL_REASON_ATTR,
  FIXED_PARAMS_ATTR,
  toInternal,
  type CategoricalChoice,
  DistributionConflictError,
  distributionFromJson,
  distributionsEqual,
  describe as describeDistribution,
  InvalidArgumentError,
  InvalidDistributionError,
  isFinished,
  Storage,
  TrialAlreadyFinishedError,
  TrialNotFoundError,
  WORKER_ATTR,
  type Distribution,
  type FrozenTrial,
  type JsonValue,
  type ParamValue,
  type Study,
  type TellResult,
  type Trial,
} from '@tuneforge/core';
import {
  CLIENT_LEASE_SECONDS,
  clientLeaseOf,
  clientRenewalTime,
  failedForLapsedLease,
  newClientLease,
  readStudyDefinition,
  RedisKeys,
  RedisPruningIndex,
  budgetTimedOut,
  studyStateOf,
  type ClientLease,
  type RedisClient,
  type StudyDefinition,
  type TrialResponse,
  usesPruningIndex,
} from '@tuneforge/platform';
import { ObjectiveRegistry } from '@tuneforge/sandbox';
import { PlatformConfig } from '../../config/platform-config';
import { InjectRedis } from '../../providers/redis.provider';
import { keptForPlanning, loadRunningStudy } from '../../providers/running-study';
import { PlatformTelemetry } from '../../telemetry/platform-telemetry';
import { badFields, conflictWithReason, type FieldError } from '../common/error-body';
import { toTrialResponse } from '../common/responses';
import type { StudyRef } from '../common/route-params';
import { StudiesService } from '../studies/studies.service';
import { knownSpaceOf } from '../trials/enqueued-params';
import type { AskTrialDto } from './dto/ask-trial.dto';
import type { ReportValueDto } from './dto/report-value.dto';
import type { SuggestParamDto } from './dto/suggest-param.dto';
import type { TellTrialDto } from './dto/tell-trial.dto';

/** A trial handed to a client by `ask`: what it runs, and the lease it holds it under. */
export interface AskedTrial {
  number: number;
  trialId: number;
  /** 1 on the trial's first run, one more each time a lapsed lease sent it back. */
  attempt: number;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  lease: { token: string; seconds: number; expiresAt: string };
}

/** Why an ask or a call on a trial is refused with a 409 (`reason` of the body). */
export type AskTellConflict = 'budget' | 'timeout' | 'stopped' | 'completed' | 'lease-lost' | 'already-told';

/** A study as this process serves its clients: the same sampler and pruner as the scheduler's and workers'. */
interface ClientStudy {
  study: Study;
  definition: StudyDefinition;
  /**
   * The study's pruning index in Redis, rebuilt from Postgres on first need (a report or a COMPLETE
   * tell, calls that write anyway: a refused call leaves Redis as it was).
   */
  indexed: Promise<void> | null;
  /** Parameters known before a trial runs (built-in problem, searchSpace, registered command): asked at once. */
  space: ReadonlyMap<string, Distribution> | null;
}

/**
 * Studies whose history this process keeps for its clients (a forgotten one is read again on its next
 * call, incrementally after that).
 */
const CACHED_STUDIES = 64;

/** Tries at planning a trial before giving up: a queue worker may claim a planned trial first (mixed studies). */
const MAX_PLANNING_TRIES = 5;
/** WAITING trials an ask reads at a time, to claim the first it can. */
const WAITING_PAGE = 16;

/**
 * Client-driven trials (ask and tell over REST). `ask` plans or hands out a trial under the study's lock
 * (the scheduler's refill holds it too, so the budget `nTrials` is never exceeded, whoever creates the
 * trials) and claims it for the client under a lease of its own duration; heartbeat, suggest, report
 * and tell are fenced by the lease's token: once the lease lapsed (the scheduler sent the trial back to
 * WAITING or ended it FAIL) they answer 409 `lease-lost`. Suggest and report go through the library's
 * Trial on the study's sampler and pruner (with the Redis pruning index, as in a queue worker), so a
 * client gets the same values and decisions a worker would.
 */
@Injectable()
export class AskTellService {
  private readonly studyCache = new Map<number, Promise<ClientStudy>>();
  private readonly index: RedisPruningIndex;
  private readonly telemetry: PlatformTelemetry;

  constructor(
    private readonly storage: Storage,
    private readonly studies: StudiesService,
    private readonly registry: ObjectiveRegistry,
    private readonly config: PlatformConfig,
    @InjectRedis() redis: RedisClient,
  ) {
    this.index = new RedisPruningIndex(redis, new RedisKeys(config.queuePrefix));
    this.telemetry = new PlatformTelemetry(redis, config.queuePrefix, 'api');
  }

  /**
   * A trial for a client, RUNNING under a new lease: the oldest WAITING trial (enqueued, planned for the
   * queue, or sent back after a lapsed lease) if any, else a new one planned by the study's sampler with
   * the trials in flight taken into account. 409 `budget` once `nTrials` trials exist, `timeout`,
   * `stopped` or `completed` by the study's state.
   */
  async ask(ref: StudyRef, dto: AskTrialDto): Promise<AskedTrial> {
    await this.studies.requireDependencies();
    const studyId = await this.studies.resolve(ref);
    const entry = await this.clientStudy(studyId);
    const asked = parseAskedDistributions(dto.params ?? {}, entry.space);
    const lease = newClientLease(dto.client ?? 'client', dto.leaseSeconds ?? CLIENT_LEASE_SECONDS.default);
    const claimed = await this.studies.underStudyLock(studyId, () =>
      this.claimFor(studyId, entry, lease, asked),
    );
    // Parameters known up front are suggested now: stored ones answer as they are, enqueued values are
    // kept, the rest are sampled (the sampler's relative sample for a planned trial).
    let suggested;
    try {
      suggested = await this.onLive(entry, claimed, (live) => {
        for (const [name, d] of asked) suggestDistribution(live, name, d);
        const t = live.snapshot();
        return { params: t.params, distributions: t.distributions };
      });
    } catch (e) {
      if (!(e instanceof InvalidArgumentError || e instanceof DistributionConflictError)) throw e;
      // Checked before the claim (suggestRefusal); should the library refuse anything else, the trial
      // goes back at once for another ask rather than wait for its lease to lapse.
      await this.storage.requeueTrial(claimed.trialId, lease.holder).catch(() => undefined);
      throw badFields([{ field: 'params', messages: [e.message] }]);
    }
    const { params, distributions } = suggested;
    const expiresAt = await this.renew(claimed, lease);
    return {
      number: claimed.number,
      trialId: claimed.trialId,
      attempt: Number(claimed.systemAttrs[ATTEMPT_ATTR] ?? 1),
      params: { ...params },
      distributions: { ...distributions },
      lease: { token: lease.token, seconds: lease.seconds, expiresAt: new Date(expiresAt).toISOString() },
    };
  }

  /** Renews the trial's lease: `expiresAt` is when it lapses without another call. */
  async heartbeat(ref: StudyRef, number: number, token: string): Promise<{ expiresAt: string }> {
    const { expiresAt } = await this.fenced(ref, number, token);
    return { expiresAt: new Date(expiresAt).toISOString() };
  }

  /** A parameter of the trial, define-by-run: the same value again for a name already suggested. */
  async suggest(
    ref: StudyRef,
    number: number,
    dto: SuggestParamDto,
  ): Promise<{ name: string; value: ParamValue }> {
    const distribution = parseDistribution('distribution', dto.distribution);
    const { entry, trial, lease } = await this.heldTrial(ref, number, dto.token);
    // Refused before the lease is renewed, so that a refused call changes nothing.
    const why = suggestRefusal(trial, dto.name, distribution);
    if (why) throw badFields([{ field: 'distribution', messages: [why] }]);
    await this.renew(trial, lease);
    const value = await this.onLive(entry, trial, (live) => {
      try {
        return suggestDistribution(live, dto.name, distribution);
      } catch (e) {
        if (e instanceof DistributionConflictError || e instanceof InvalidArgumentError) {
          throw badFields([{ field: 'distribution', messages: [e.message] }]);
        }
        throw e;
      }
    });
    return { name: dto.name, value };
  }

  /** Records an intermediate value and answers the study pruner's decision (also renews the lease). */
  async report(ref: StudyRef, number: number, dto: ReportValueDto): Promise<{ shouldPrune: boolean }> {
    const { studyId, entry, trial, lease } = await this.heldTrial(ref, number, dto.token);
    if (entry.study.directions.length > 1) {
      throw badFields([
        { field: 'value', messages: ['intermediate values and pruning support one objective only'] },
      ]);
    }
    await this.renew(trial, lease);
    if (usesPruningIndex(entry.definition)) await this.indexed(studyId, entry);
    return this.onLive(entry, trial, async (live) => {
      await live.report(dto.value, dto.step);
      return { shouldPrune: live.shouldPrune() };
    });
  }

  /**
   * Ends the trial: COMPLETE with its value(s), PRUNED or FAIL. The same tell again (an answer the
   * client lost) gets the trial as it ended; a different one, 409 `already-told`.
   */
  async tell(ref: StudyRef, number: number, dto: TellTrialDto): Promise<TrialResponse> {
    const studyId = await this.studies.resolve(ref);
    const entry = await this.clientStudy(studyId);
    const result = toldResult(dto, entry.study.directions.length);
    const current = await this.trialByNumber(entry, number);
    if (isFinished(current.state)) return this.toldAgain(current, dto.token, result);
    const { trial } = await this.fenced(studyId, number, dto.token);
    let finished: FrozenTrial;
    try {
      finished = await this.onLive(entry, trial, async (live) => {
        for (const [key, value] of Object.entries(dto.userAttrs ?? {})) {
          await live.setUserAttr(key, value as JsonValue);
        }
        if (dto.constraints) {
          await this.storage.setTrialSystemAttr(trial.trialId, CONSTRAINTS_ATTR, dto.constraints);
        }
        return entry.study.tell(
          live,
          result,
          dto.failReason !== undefined ? { failReason: dto.failReason } : {},
        );
      });
    } catch (e) {
      // The lease lapsed between the renewal and the commit (the scheduler took the trial back).
      if (e instanceof TrialAlreadyFinishedError) throw leaseLost(number);
      throw e;
    }
    if (finished.state === 'COMPLETE' && usesPruningIndex(entry.definition)) {
      await this.indexed(studyId, entry);
      await this.index.recordComplete(studyId, finished);
    }
    await this.telemetry.trialFinished(studyId, finished);
    // The scheduler completes the study at its budget, or gives a queue worker the freed slot.
    await this.studies.requestRefill(studyId, 'trial-finished');
    return toTrialResponse(finished);
  }

  /**
   * The same tell again answers the trial as it ended; anything else is a conflict. A trial the scheduler
   * failed for its lapsed lease keeps the client as its last holder: that client lost the lease.
   */
  private toldAgain(trial: FrozenTrial, token: string, result: TellResult): TrialResponse {
    if (
      !clientLeaseOf(trial.systemAttrs[WORKER_ATTR], token) ||
      failedForLapsedLease(trial.state, trial.systemAttrs[FAIL_REASON_ATTR])
    ) {
      throw leaseLost(trial.number);
    }
    const state = typeof result === 'string' ? result : 'COMPLETE';
    const values = typeof result === 'number' ? [result] : typeof result === 'string' ? null : result;
    const same =
      trial.state === state && (values === null || JSON.stringify(trial.values) === JSON.stringify(values));
    if (same) return toTrialResponse(trial);
    throw conflictWithReason(
      'already-told' satisfies AskTellConflict,
      `Trial ${trial.number} was already told ${trial.state}${trial.values ? ` with values ${JSON.stringify(trial.values)}` : ''}: a trial is told once.`,
    );
  }

  /** Under the study's lock: a WAITING trial claimed for the lease, or a new one planned and claimed. */
  private async claimFor(
    studyId: number,
    entry: ClientStudy,
    lease: ClientLease,
    asked: ReadonlyMap<string, Distribution>,
  ): Promise<FrozenTrial> {
    const record = await this.storage.getStudy(studyId);
    const state = studyStateOf(record);
    if (state === 'STOPPED') {
      throw conflictWithReason(
        'stopped' satisfies AskTellConflict,
        `Study ${studyId} is STOPPED: no trial starts; POST /studies/${studyId}/resume first.`,
      );
    }
    if (state === 'COMPLETED') {
      throw conflictWithReason(
        'completed' satisfies AskTellConflict,
        `Study ${studyId} is COMPLETED: its budget is spent; create a new study to run more trials.`,
      );
    }
    const { study, definition } = entry;
    for (let attempt = 0; attempt < MAX_PLANNING_TRIES; attempt++) {
      // The WAITING trials and the count from the storage's indexes, not from a pass over the history: a
      // study of a million trials answers as fast as a small one. The sampler's history is read beside them.
      const [waitingPage, counts] = await Promise.all([
        this.storage.getTrialPage(studyId, { state: 'WAITING', order: 'number', limit: WAITING_PAGE }),
        this.storage.countTrials(studyId),
        study.refreshTrials(),
      ]);
      for (const waiting of waitingPage.trials) {
        // Refused before the claim, so that a refused ask changes nothing.
        for (const [name, d] of asked) {
          const why = suggestRefusal(waiting, name, d);
          if (why) throw badFields([{ field: `params.${name}`, messages: [why] }]);
        }
        const claimed = await this.claim(waiting.trialId, lease);
        if (claimed) return claimed;
      }
      // Queue workers took every trial of the page first: the next page before a new trial (on the last
      // try, a new trial).
      if (waitingPage.next !== null && attempt < MAX_PLANNING_TRIES - 1) continue;
      const { nTrials, timeoutSec } = definition.budget;
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      if (total >= nTrials) {
        throw conflictWithReason(
          'budget' satisfies AskTellConflict,
          `Study ${studyId} has all ${nTrials} trials of its budget (budget.nTrials) created: no trial is left to ask for; the study completes once those in flight end.`,
        );
      }
      if (budgetTimedOut(record, timeoutSec)) {
        throw conflictWithReason(
          'timeout' satisfies AskTellConflict,
          `Study ${studyId} ran for its budget.timeoutSec (${timeoutSec} s): no trial starts any more.`,
        );
      }
      // Every distribution known now (the study's space and the asked ones) is planned with the trials in
      // flight, as the scheduler plans a whole trial; the rest come define-by-run (suggest).
      const [created] = await study.createPendingTrials(
        1,
        asked.size > 0 ? (t) => void asked.forEach((d, name) => suggestDistribution(t, name, d)) : undefined,
        { refreshed: true },
      );
      if (!created) {
        throw conflictWithReason(
          'budget' satisfies AskTellConflict,
          `Study ${studyId}: the sampler has no point left to try (its grid is exhausted).`,
        );
      }
      const claimed = await this.claim(created.trialId, lease);
      if (claimed) return claimed;
    }
    throw new Error(
      `study ${studyId}: every trial planned for the client was claimed by a queue worker first`,
    );
  }

  /** The trial claimed for the lease; null when another claimed it first. */
  private async claim(trialId: number, lease: ClientLease): Promise<FrozenTrial | null> {
    try {
      return await this.storage.claimTrial(trialId, lease.holder, Date.now());
    } catch (e) {
      if (e instanceof TrialAlreadyFinishedError || e instanceof TrialNotFoundError) return null;
      throw e;
    }
  }

  /** Renews the lease for its own duration; the lapse time, or null when the trial is no longer the lease's. */
  private async renew(trial: FrozenTrial, lease: ClientLease): Promise<number> {
    const now = Date.now();
    const renewed = await this.storage.renewLeases(
      lease.holder,
      [trial.trialId],
      clientRenewalTime(now, lease.seconds, this.config.leaseSeconds),
    );
    if (renewed.length === 0) throw leaseLost(trial.number);
    return now + lease.seconds * 1000;
  }

  /**
   * The trial, RUNNING under the lease of `token`, with the lease renewed: every call on a trial starts
   * here, so that one that comes after the lease lapsed changes nothing (409 lease-lost).
   */
  private async fenced(ref: StudyRef, number: number, token: string) {
    const held = await this.heldTrial(ref, number, token);
    const expiresAt = await this.renew(held.trial, held.lease);
    return { ...held, expiresAt };
  }

  /** The trial, RUNNING under the lease of `token` as stored now (nothing renewed); else 409 lease-lost. */
  private async heldTrial(ref: StudyRef, number: number, token: string) {
    const studyId = await this.studies.resolve(ref);
    const entry = await this.clientStudy(studyId);
    const trial = await this.trialByNumber(entry, number);
    const lease = clientLeaseOf(trial.systemAttrs[WORKER_ATTR], token);
    if (!lease || trial.state !== 'RUNNING') throw leaseLost(number);
    return { studyId, entry, trial, lease };
  }

  /** The study's pruning index, rebuilt from its trials once per process when Redis lost it. */
  private indexed(studyId: number, entry: ClientStudy): Promise<void> {
    entry.indexed ??= this.index.ensureStudy(studyId, () => this.storage.getAllTrials(studyId));
    entry.indexed.catch(() => (entry.indexed = null));
    return entry.indexed;
  }

  /** The trial as stored now (one indexed read by number). */
  private async trialByNumber(entry: ClientStudy, number: number): Promise<FrozenTrial> {
    const trial = await this.storage.getTrialByNumber(entry.study.studyId, number);
    if (!trial) throw new TrialNotFoundError(`Study ${entry.study.studyId} has no trial number ${number}.`);
    return trial;
  }

  /**
   * Runs `use` on the library's live trial for a RUNNING trial, as a queue worker runs its objective:
   * the study's sampler and pruner, writes flushed before the answer. The handle is dropped after
   * (`detach`), since the next call may reach another api process.
   */
  private async onLive<T>(
    entry: ClientStudy,
    trial: FrozenTrial,
    use: (live: Trial) => T | Promise<T>,
  ): Promise<T> {
    const live = entry.study.attachTrial(trial);
    try {
      const result = await use(live);
      await live.flush();
      return result;
    } finally {
      entry.study.detachTrial(trial.number);
    }
  }

  private clientStudy(studyId: number): Promise<ClientStudy> {
    let entry = this.studyCache.get(studyId);
    if (entry) {
      // Most recently used last: the first entry is the one to forget when the cache is full.
      this.studyCache.delete(studyId);
    } else {
      entry = this.load(studyId);
      entry.catch(() => this.studyCache.delete(studyId));
    }
    this.studyCache.set(studyId, entry);
    if (this.studyCache.size > CACHED_STUDIES) this.studyCache.delete(this.studyCache.keys().next().value!);
    return entry;
  }

  private async load(studyId: number): Promise<ClientStudy> {
    const record = await this.storage.getStudy(studyId);
    const definition = readStudyDefinition(record.studyName, record.systemAttrs);
    if (!definition) {
      throw conflictWithReason(
        'stopped' satisfies AskTellConflict,
        `Study ${studyId} was not created through the platform (POST /studies): it has no definition to plan trials from.`,
      );
    }
    // The same sampler and pruner as the scheduler's and the workers', keeping what the scheduler keeps.
    const study = await loadRunningStudy(
      this.storage,
      record,
      definition,
      this.index,
      this.telemetry,
      keptForPlanning,
    );
    return { study, definition, indexed: null, space: knownSpaceOf(definition, this.registry) };
  }
}

function leaseLost(number: number) {
  return conflictWithReason(
    'lease-lost' satisfies AskTellConflict,
    `Trial ${number} is no longer this lease's: its lease lapsed (it runs again or ended FAIL) or it ended; stop running it and ask for another trial.`,
  );
}

/** The library's suggest call for a distribution. */
export function suggestDistribution(
  trial: Pick<Trial, 'suggestFloat' | 'suggestInt' | 'suggestCategorical'>,
  name: string,
  d: Distribution,
): ParamValue {
  if (d.type === 'categorical') return trial.suggestCategorical(name, d.choices);
  if (d.type === 'int') return trial.suggestInt(name, d.low, d.high, { log: d.log, step: d.step });
  return trial.suggestFloat(name, d.low, d.high, { log: d.log, step: d.step });
}

/**
 * Why suggesting `name` from `d` on the trial would be refused, checked before anything is written:
 * the name was suggested with another distribution, or its enqueued value does not fit `d`.
 */
export function suggestRefusal(trial: FrozenTrial, name: string, d: Distribution): string | null {
  const known = trial.distributions[name];
  if (known && !distributionsEqual(known, d)) {
    return `'${name}' was suggested as ${describeDistribution(known)}; it cannot be ${describeDistribution(d)} now`;
  }
  const fixed = trial.systemAttrs[FIXED_PARAMS_ATTR] as Record<string, ParamValue> | undefined;
  if (!known && fixed && name in fixed) {
    const value = fixed[name];
    const fits =
      d.type === 'categorical'
        ? d.choices.includes(value as CategoricalChoice)
        : typeof value === 'number' && contains(d, toInternal(d, value));
    if (!fits)
      return `the enqueued value ${JSON.stringify(value)} of '${name}' is outside ${describeDistribution(d)}`;
  }
  return null;
}

function parseDistribution(field: string, json: unknown): Distribution {
  try {
    return distributionFromJson(json);
  } catch (e) {
    if (e instanceof InvalidDistributionError) throw badFields([{ field, messages: [e.message] }]);
    throw e;
  }
}

/**
 * The distributions an ask suggests at once: the study's known space, then the asked ones (which must
 * agree with the space where they name the same parameter). 400 naming `params.<name>` otherwise.
 */
export function parseAskedDistributions(
  params: Record<string, unknown>,
  space: ReadonlyMap<string, Distribution> | null,
): Map<string, Distribution> {
  const asked = new Map(space ?? []);
  const errors: FieldError[] = [];
  for (const [name, json] of Object.entries(params)) {
    const field = `params.${name === '' ? '""' : name}`;
    let d: Distribution;
    try {
      d = distributionFromJson(json);
    } catch (e) {
      if (!(e instanceof InvalidDistributionError)) throw e;
      errors.push({ field, messages: [e.message] });
      continue;
    }
    const known = space?.get(name);
    if (known && !distributionsEqual(known, d)) {
      errors.push({
        field,
        messages: [
          `the study's space defines '${name}' as ${describeDistribution(known)}, not ${describeDistribution(d)}`,
        ],
      });
      continue;
    }
    asked.set(name, d);
  }
  if (errors.length > 0) throw badFields(errors);
  return asked;
}

/** The tell's body as the library's result; 400 naming the field when it does not fit the study. */
export function toldResult(dto: Omit<TellTrialDto, 'token'>, objectives: number): TellResult {
  const state = dto.state ?? 'COMPLETE';
  const fail = (field: string, message: string) => badFields([{ field, messages: [message] }]);
  if (dto.value !== undefined && dto.values !== undefined)
    throw fail('values', "give either 'value' or 'values', not both");
  if (state !== 'COMPLETE') {
    const extra = dto.value !== undefined ? 'value' : dto.values !== undefined ? 'values' : null;
    if (extra) {
      throw fail(
        extra,
        state === 'PRUNED'
          ? `a PRUNED trial takes no ${extra} (it keeps its last reported value)`
          : `a FAIL trial takes no ${extra}`,
      );
    }
    if (dto.failReason !== undefined && state !== 'FAIL') throw fail('failReason', 'is for state FAIL only');
    return state;
  }
  if (dto.failReason !== undefined) throw fail('failReason', 'is for state FAIL only');
  if (dto.value !== undefined) {
    if (objectives !== 1)
      throw fail('value', `the study has ${objectives} objectives: send 'values' with ${objectives} numbers`);
    return dto.value;
  }
  if (dto.values === undefined)
    throw fail('value', "a COMPLETE trial needs 'value' (or 'values', one per objective)");
  if (dto.values.length !== objectives) {
    throw fail(
      'values',
      `the study has ${objectives} objective(s): send ${objectives} number(s), got ${dto.values.length}`,
    );
  }
  return dto.values;
}
