import type { TuneforgeClient } from './client';
import { isTrialPruned, LeaseLostError, TuneforgeApiError } from './errors';
import { RemoteTrial, type AskAnswer } from './remote-trial';
import type { DistributionJson, JsonValue, ObjectiveTrial, StudyRecord, TrialRecord } from './types';

/** The objective's result, as the library's: one value, or one per objective. */
export type ObjectiveResult = number | readonly number[];
export type RemoteObjective = (
  trial: ObjectiveTrial & RemoteTrial,
) => ObjectiveResult | Promise<ObjectiveResult>;

/** How a trial ends: a value, one per objective, a state, or everything `tell` takes. */
export type TellInput =
  | number
  | readonly number[]
  | 'PRUNED'
  | 'FAIL'
  | {
      state?: 'COMPLETE' | 'PRUNED' | 'FAIL';
      value?: number;
      values?: readonly number[];
      constraints?: readonly number[];
      userAttrs?: Record<string, JsonValue>;
      failReason?: string;
    };

export type ErrorClass = abstract new (...args: never[]) => Error;

export interface AskOptions {
  /** Seconds the trial stays ours without a call (5 to 3600). @defaultValue 60 */
  leaseSeconds?: number;
  /** This client's name, shown as the trial's worker. @defaultValue 'client' */
  client?: string;
}

export interface OptimizeOptions extends AskOptions {
  /** Trials to run in this call; the loop ends earlier when the study's budget is spent. @defaultValue unlimited */
  nTrials?: number;
  /** Start no trial after this many milliseconds. */
  timeoutMs?: number;
  /** Objectives run at once (async objectives). @defaultValue 1 */
  concurrency?: number;
  /** Errors that fail the trial but let the loop go on; any other error fails the trial and is rethrown. */
  catch?: readonly ErrorClass[];
  /** Fixed distributions suggested at each ask. */
  params?: Record<string, DistributionJson>;
  /** Called after each trial told, in finishing order. */
  callbacks?: ReadonlyArray<(trial: TrialRecord) => void | Promise<void>>;
}

/** Retries of an ask answered 503 within `optimize`. */
const ASK_RETRIES = 5;

/** Ask-refusals that end an optimize loop quietly: the study has nothing more to run. */
const LOOP_ENDS = new Set(['budget', 'timeout', 'stopped', 'completed']);

/** A platform study seen from a client: ask for trials, tell their results, or let `optimize` loop. */
export class RemoteStudy {
  readonly id: number;
  readonly name: string;
  private readonly path: string;

  /** @internal */
  constructor(
    private readonly client: TuneforgeClient,
    record: StudyRecord,
  ) {
    this.id = record.id;
    this.name = record.name;
    this.path = `/studies/${record.id}`;
  }

  /** The study as the platform shows it now (state, counts, best trial). */
  async info(): Promise<StudyRecord> {
    return (await this.client.request<StudyRecord>('GET', this.path)).body;
  }

  /** Every trial, in number order (pages of 1000, keyset paging). */
  async trials(): Promise<TrialRecord[]> {
    const out: TrialRecord[] = [];
    let after: string | null = null;
    do {
      const query: string = after === null ? '' : `&after=${encodeURIComponent(after)}`;
      const { body } = await this.client.request<{ items: TrialRecord[]; next: string | null }>(
        'GET',
        `${this.path}/trials?limit=1000${query}`,
      );
      out.push(...body.items);
      after = body.next;
    } while (after !== null);
    return out;
  }

  /**
   * A trial to run: RUNNING under a lease that is renewed on a timer until it is told. `fixed` are
   * distributions suggested at once (the study's searchSpace is too).
   * @throws TuneforgeApiError 409 with reason `budget`, `timeout`, `stopped` or `completed`
   */
  async ask(fixed: Record<string, DistributionJson> = {}, options: AskOptions = {}): Promise<RemoteTrial> {
    const { body } = await this.client.request<AskAnswer>('POST', `${this.path}/ask`, {
      ...(Object.keys(fixed).length > 0 ? { params: fixed } : {}),
      ...(options.leaseSeconds !== undefined ? { leaseSeconds: options.leaseSeconds } : {}),
      ...(options.client !== undefined ? { client: options.client } : {}),
    });
    const trial = new RemoteTrial(this.client, this.path, body);
    trial.startHeartbeats(() => undefined);
    return trial;
  }

  /**
   * Ends the trial: a value (one per objective) makes it COMPLETE, `'PRUNED'` or `'FAIL'` set that state.
   * User attributes set on the trial are stored with it. @throws LeaseLostError when the lease was lost
   */
  async tell(trial: RemoteTrial, result: TellInput): Promise<TrialRecord> {
    trial.stopHeartbeats();
    const body: Record<string, unknown> = { token: trial.token };
    if (typeof result === 'number') body.value = result;
    else if (Array.isArray(result)) body.values = [...result];
    else if (result === 'PRUNED' || result === 'FAIL') body.state = result;
    else Object.assign(body, result);
    const attrs = { ...trial.pendingUserAttrs, ...((body.userAttrs as object | undefined) ?? {}) };
    if (Object.keys(attrs).length > 0) body.userAttrs = attrs;
    try {
      return (await this.client.request<TrialRecord>('POST', `${trial.trialPath}/tell`, body)).body;
    } catch (e) {
      if (e instanceof TuneforgeApiError && e.reason === 'lease-lost')
        throw new LeaseLostError(trial.number, e.message);
      throw e;
    }
  }

  /**
   * Runs `objective` on trials asked from the platform until `nTrials` ran here, the study's budget is
   * spent (the platform refuses the next ask), or `timeoutMs` passed; `concurrency` at once. A trial
   * whose objective throws TrialPruned ends PRUNED; one whose lease was lost is dropped (the platform
   * runs it again or failed it); an error ends the trial FAIL and is rethrown unless listed in `catch`.
   */
  async optimize(objective: RemoteObjective, options: OptimizeOptions = {}): Promise<void> {
    const { nTrials, timeoutMs, concurrency = 1, callbacks = [] } = options;
    if (nTrials !== undefined && (!Number.isInteger(nTrials) || nTrials < 0)) {
      throw new RangeError(`nTrials must be an integer >= 0, got ${nTrials}`);
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
    }
    const catchable = options.catch ?? [];
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    let started = 0;
    let done = false;
    let fatal: { error: unknown } | null = null;

    const runner = async (): Promise<void> => {
      while (
        !done &&
        fatal === null &&
        (nTrials === undefined || started < nTrials) &&
        Date.now() < deadline
      ) {
        started++;
        let trial: RemoteTrial;
        try {
          trial = await this.askPatiently(options);
        } catch (e) {
          started--;
          if (e instanceof TuneforgeApiError && e.reason !== null && LOOP_ENDS.has(e.reason)) {
            done = true;
          } else {
            // The other runners end their trials, then the loop stops with this error.
            fatal ??= { error: e };
          }
          return;
        }
        let told: TrialRecord | null;
        try {
          told = await this.runOne(trial, objective, catchable, (error) => (fatal ??= { error }));
        } finally {
          trial.stopHeartbeats();
        }
        if (told) for (const callback of callbacks) await callback(told);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, runner));
    if (fatal !== null) throw (fatal as { error: unknown }).error;
  }

  /**
   * An ask that waits out a busy platform: a 503 (the study's lock held for long by other asks and the
   * scheduler, or Redis or Postgres briefly away) is retried after 1, 2, 4 … s, up to ASK_RETRIES times.
   */
  private async askPatiently(options: OptimizeOptions): Promise<RemoteTrial> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.ask(options.params ?? {}, options);
      } catch (e) {
        if (!(e instanceof TuneforgeApiError && e.status === 503) || attempt >= ASK_RETRIES) throw e;
        await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
      }
    }
  }

  /** One trial: the objective, then its tell; null when the lease was lost on the way. */
  private async runOne(
    trial: RemoteTrial,
    objective: RemoteObjective,
    catchable: readonly ErrorClass[],
    onFatal: (error: unknown) => void,
  ): Promise<TrialRecord | null> {
    let result: TellInput;
    try {
      result = await objective(trial);
    } catch (error) {
      if (error instanceof LeaseLostError || trial.leaseLost) return null;
      if (isTrialPruned(error)) {
        result = 'PRUNED';
      } else {
        if (!catchable.some((cls) => error instanceof cls)) onFatal(error);
        result = { state: 'FAIL', failReason: error instanceof Error ? error.message : String(error) };
      }
    }
    try {
      return await this.tell(trial, result);
    } catch (e) {
      if (e instanceof LeaseLostError) return null;
      throw e;
    }
  }
}
