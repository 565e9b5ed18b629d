import { systemClock, type Clock } from '../clock';
import { contains, describe, toExternal, type Distribution, type ParamValue } from '../distributions';
import {
  DuplicateStudyError,
  InvalidArgumentError,
  StudyNotFoundError,
  TrialAlreadyFinishedError,
  TrialNotFoundError,
} from '../errors';
import type { JsonObject, JsonValue } from '../json';
import type { FrozenTrial } from '../trial/frozen-trial';
import { FAIL_REASON_ATTR } from '../trial/trial';
import { TRIAL_STATES, type TrialState } from '../trial/trial-state';
import {
  addLeaseAttrs,
  isLeaseAttr,
  Storage,
  withoutLeaseAttrs,
  type CreateStudyInput,
  type ExpiredLeases,
  type StudyRecord,
  type StudySummary,
  type TrialChanges,
  type TrialTemplate,
} from './storage';

interface MutableTrial {
  trialId: number;
  number: number;
  state: TrialState;
  values: number[] | null;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  intermediateValues: Record<number, number>;
  userAttrs: JsonObject;
  systemAttrs: JsonObject;
  datetimeStart: number | null;
  datetimeComplete: number | null;
  /** Lease of a claimed trial (`claimTrial`) while it runs: its worker and last renewal. */
  lease: { workerId: string; renewedAt: number } | null;
  /** The worker of the last claim, kept when the trial ends, cleared by a requeue (`platform:worker`). */
  workerId: string | null;
  /** Claims so far (`platform:attempt`). */
  attempt: number;
  /** Cursor value of the last change. */
  version: number;
  /** Snapshot handed out for this version; rebuilt after a change. */
  frozen: FrozenTrial | null;
}

interface MutableStudy {
  record: StudyRecord;
  userAttrs: JsonObject;
  systemAttrs: JsonObject;
  trials: MutableTrial[];
}

const clone = <T extends JsonValue | JsonObject>(v: T): T =>
  v === undefined ? v : JSON.parse(JSON.stringify(v));

/**
 * Storage in the process's memory: the default of `createStudy`. Every method completes in one
 * synchronous step (then resolves), so each is atomic with respect to concurrent callers.
 */
export class InMemoryStorage extends Storage {
  readonly url = 'memory:';
  private readonly studies = new Map<number, MutableStudy>();
  private readonly trialsById = new Map<number, { study: MutableStudy; trial: MutableTrial }>();
  private nextStudyId = 1;
  private nextTrialId = 1;
  private version = 0;

  /** @param clock - stamps creation times not given by the caller. */
  constructor(private readonly clock: Clock = systemClock) {
    super();
  }

  async createStudy(input: CreateStudyInput): Promise<StudyRecord> {
    for (const s of this.studies.values()) {
      if (s.record.studyName === input.studyName) {
        throw new DuplicateStudyError(`A study named '${input.studyName}' already exists.`);
      }
    }
    const studyId = this.nextStudyId++;
    const study: MutableStudy = {
      record: {
        studyId,
        studyName: input.studyName,
        directions: [...input.directions],
        userAttrs: {},
        systemAttrs: {},
        createdAt: this.clock.now(),
      },
      userAttrs: clone(input.userAttrs ?? {}),
      systemAttrs: clone(input.systemAttrs ?? {}),
      trials: [],
    };
    this.studies.set(studyId, study);
    return this.studyRecord(study);
  }

  async deleteStudy(studyId: number): Promise<void> {
    const study = this.study(studyId);
    for (const t of study.trials) this.trialsById.delete(t.trialId);
    this.studies.delete(studyId);
  }

  async getStudyIdByName(studyName: string): Promise<number> {
    for (const s of this.studies.values()) if (s.record.studyName === studyName) return s.record.studyId;
    throw new StudyNotFoundError(`No study named '${studyName}'.`);
  }

  async getStudy(studyId: number): Promise<StudyRecord> {
    return this.studyRecord(this.study(studyId));
  }

  async listStudies(): Promise<StudySummary[]> {
    return [...this.studies.values()].map((s) => {
      const trialCounts = Object.fromEntries(TRIAL_STATES.map((st) => [st, 0])) as Record<TrialState, number>;
      for (const t of s.trials) trialCounts[t.state]++;
      return { ...this.studyRecord(s), trialCounts };
    });
  }

  async setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    this.study(studyId).userAttrs[key] = clone(value);
  }

  async setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    this.study(studyId).systemAttrs[key] = clone(value);
  }

  async createTrial(studyId: number, template: TrialTemplate = {}): Promise<FrozenTrial> {
    const study = this.study(studyId);
    const state = template.state ?? 'RUNNING';
    const distributions = { ...(template.distributions ?? {}) };
    const params: Record<string, ParamValue> = {};
    for (const [name, value] of Object.entries(template.params ?? {})) {
      if (!distributions[name]) throw new InvalidArgumentError(`Parameter '${name}' has no distribution.`);
      params[name] = value;
    }
    const trial: MutableTrial = {
      trialId: this.nextTrialId++,
      number: study.trials.length,
      state,
      values: template.values ? [...template.values] : null,
      params,
      distributions,
      intermediateValues: { ...(template.intermediateValues ?? {}) },
      userAttrs: clone(template.userAttrs ?? {}),
      systemAttrs: withoutLeaseAttrs(clone(template.systemAttrs ?? {})),
      datetimeStart: template.datetimeStart ?? (state === 'WAITING' ? null : this.clock.now()),
      datetimeComplete: template.datetimeComplete ?? null,
      lease: null,
      workerId: null,
      attempt: 0,
      version: 0,
      frozen: null,
    };
    this.touch(trial);
    study.trials.push(trial);
    this.trialsById.set(trial.trialId, { study, trial });
    return this.freeze(trial);
  }

  async claimWaitingTrial(studyId: number, now: number): Promise<FrozenTrial | null> {
    const trial = this.study(studyId).trials.find((t) => t.state === 'WAITING');
    if (!trial) return null;
    trial.state = 'RUNNING';
    trial.datetimeStart = now;
    this.touch(trial);
    return this.freeze(trial);
  }

  async claimTrial(trialId: number, workerId: string, now: number): Promise<FrozenTrial> {
    const { trial } = this.entry(trialId);
    if (trial.state !== 'WAITING') {
      throw new TrialAlreadyFinishedError(
        `Trial ${trial.number} (id ${trialId}) is ${trial.state}, not WAITING: another worker has it or it ended.`,
      );
    }
    trial.state = 'RUNNING';
    trial.datetimeStart = now;
    trial.attempt += 1;
    trial.lease = { workerId, renewedAt: now };
    trial.workerId = workerId;
    this.touch(trial);
    return this.freeze(trial);
  }

  async renewLeases(workerId: string, trialIds: readonly number[], now: number): Promise<number[]> {
    return trialIds.filter((id) => {
      const trial = this.trialsById.get(id)?.trial;
      if (trial?.state !== 'RUNNING' || trial.lease?.workerId !== workerId) return false;
      trial.lease.renewedAt = now;
      return true;
    });
  }

  async expireLeases(
    studyId: number,
    lapsedBefore: number,
    now: number,
    maxAttempts: number,
    failReason: string,
  ): Promise<ExpiredLeases> {
    const lapsed = this.study(studyId).trials.filter(
      (t) => t.state === 'RUNNING' && t.lease !== null && t.lease.renewedAt < lapsedBefore,
    );
    const requeued: FrozenTrial[] = [];
    const failed: FrozenTrial[] = [];
    for (const trial of lapsed) {
      if (trial.attempt < maxAttempts) {
        this.sendBack(trial);
        requeued.push(this.freeze(trial));
      } else {
        trial.state = 'FAIL';
        trial.datetimeComplete = now;
        trial.lease = null;
        trial.systemAttrs[FAIL_REASON_ATTR] = failReason;
        this.touch(trial);
        failed.push(this.freeze(trial));
      }
    }
    return { requeued, failed };
  }

  async requeueTrial(trialId: number, workerId: string, systemAttrs: JsonObject = {}): Promise<FrozenTrial> {
    const { trial } = this.entry(trialId);
    if (trial.state !== 'RUNNING' || trial.lease?.workerId !== workerId) {
      throw new TrialAlreadyFinishedError(
        `Trial ${trial.number} (id ${trialId}) is ${trial.state}${trial.state === 'RUNNING' ? ' for another worker' : ''}, not RUNNING for ${workerId}.`,
      );
    }
    Object.assign(trial.systemAttrs, withoutLeaseAttrs(clone(systemAttrs)));
    this.sendBack(trial);
    return this.freeze(trial);
  }

  /** RUNNING → WAITING for another claim, with what the last run left behind cleared. */
  private sendBack(trial: MutableTrial): void {
    trial.state = 'WAITING';
    trial.datetimeStart = null;
    trial.intermediateValues = {};
    trial.lease = null;
    trial.workerId = null;
    this.touch(trial);
  }

  async setTrialParam(
    trialId: number,
    name: string,
    internal: number,
    distribution: Distribution,
  ): Promise<void> {
    const trial = this.runningTrial(trialId);
    if (!contains(distribution, internal)) {
      throw new InvalidArgumentError(`Value ${internal} of '${name}' is outside ${describe(distribution)}.`);
    }
    trial.params[name] = toExternal(distribution, internal);
    trial.distributions[name] = distribution;
    this.touch(trial);
  }

  async setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    const trial = this.runningTrial(trialId);
    trial.intermediateValues[step] = value;
    this.touch(trial);
  }

  async setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const trial = this.runningTrial(trialId);
    trial.userAttrs[key] = clone(value);
    this.touch(trial);
  }

  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const trial = this.runningTrial(trialId);
    if (isLeaseAttr(key)) return; // the lease's, see LEASE_ATTRS
    trial.systemAttrs[key] = clone(value);
    this.touch(trial);
  }

  async finishTrial(
    trialId: number,
    state: 'COMPLETE' | 'PRUNED' | 'FAIL',
    values: readonly number[] | null,
    now: number,
  ): Promise<FrozenTrial> {
    const trial = this.runningTrial(trialId);
    trial.state = state;
    trial.values = values ? [...values] : null;
    trial.datetimeComplete = now;
    this.touch(trial);
    return this.freeze(trial);
  }

  async getTrial(trialId: number): Promise<FrozenTrial> {
    return this.freeze(this.entry(trialId).trial);
  }

  async getAllTrials(studyId: number, states?: readonly TrialState[]): Promise<FrozenTrial[]> {
    const trials = this.study(studyId).trials;
    return (states ? trials.filter((t) => states.includes(t.state)) : trials).map((t) => this.freeze(t));
  }

  async getTrialsChangedSince(studyId: number, cursor: number): Promise<TrialChanges> {
    const trials = this.study(studyId)
      .trials.filter((t) => t.version > cursor)
      .map((t) => this.freeze(t));
    return { trials, cursor: this.version };
  }

  async close(): Promise<void> {}

  private study(studyId: number): MutableStudy {
    const s = this.studies.get(studyId);
    if (!s) throw new StudyNotFoundError(`No study with id ${studyId}.`);
    return s;
  }

  private entry(trialId: number) {
    const e = this.trialsById.get(trialId);
    if (!e) throw new TrialNotFoundError(`No trial with id ${trialId}.`);
    return e;
  }

  private runningTrial(trialId: number): MutableTrial {
    const { trial } = this.entry(trialId);
    if (trial.state !== 'RUNNING') {
      throw new TrialAlreadyFinishedError(
        `Trial ${trial.number} (id ${trialId}) is ${trial.state}, not RUNNING: it cannot be changed.`,
      );
    }
    return trial;
  }

  private touch(trial: MutableTrial): void {
    trial.version = ++this.version;
    trial.frozen = null;
  }

  private studyRecord(s: MutableStudy): StudyRecord {
    return { ...s.record, userAttrs: clone(s.userAttrs), systemAttrs: clone(s.systemAttrs) };
  }

  /** Snapshots are shared until the trial changes again: readers must not mutate them. */
  private freeze(t: MutableTrial): FrozenTrial {
    if (!t.frozen) {
      t.frozen = Object.freeze({
        trialId: t.trialId,
        number: t.number,
        state: t.state,
        values: t.values ? Object.freeze([...t.values]) : null,
        params: Object.freeze({ ...t.params }),
        distributions: Object.freeze({ ...t.distributions }),
        intermediateValues: Object.freeze({ ...t.intermediateValues }),
        userAttrs: Object.freeze(clone(t.userAttrs)),
        systemAttrs: Object.freeze(addLeaseAttrs(clone(t.systemAttrs), t.workerId, t.attempt)),
        datetimeStart: t.datetimeStart,
        datetimeComplete: t.datetimeComplete,
      });
    }
    return t.frozen;
  }
}
