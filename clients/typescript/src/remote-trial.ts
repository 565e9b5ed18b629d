import type { TuneforgeClient } from './client';
import { LeaseLostError, TuneforgeApiError } from './errors';
import type {
  CategoricalChoice,
  DistributionJson,
  JsonValue,
  ObjectiveTrial,
  ParamValue,
  RangeOptions,
} from './types';

/** What `POST /studies/:id/ask` answers. */
export interface AskAnswer {
  number: number;
  trialId: number;
  attempt: number;
  params: Record<string, ParamValue>;
  distributions: Record<string, DistributionJson>;
  lease: { token: string; seconds: number; expiresAt: string };
}

function sameDistribution(a: DistributionJson, b: DistributionJson): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/** The library's defaults filled in (float step null, int step 1, log false). */
function normalize(d: DistributionJson): DistributionJson {
  if (d.type === 'categorical') return { type: 'categorical', choices: [...d.choices] };
  if (d.type === 'int')
    return { type: 'int', low: d.low, high: d.high, log: d.log ?? false, step: d.step ?? 1 };
  return { type: 'float', low: d.low, high: d.high, log: d.log ?? false, step: d.step ?? null };
}

/**
 * A trial run by this client, held under a lease that a timer renews (a third of the lease) until it is
 * told. It answers the library's Trial API: `suggest*` return at once for the parameters `ask` brought
 * and ask the platform (synchronously) for the others, `report` stores the value and learns the
 * pruner's decision, which `shouldPrune()` then answers.
 */
export class RemoteTrial implements ObjectiveTrial {
  readonly number: number;
  readonly trialId: number;
  /** 1 on the trial's first run; more when a lapsed lease sent it back. */
  readonly attempt: number;
  /** Aborted once the lease is lost: the run should stop (its result would not be kept). */
  readonly signal: AbortSignal;
  private readonly values: Record<string, ParamValue>;
  private readonly distributions: Record<string, DistributionJson>;
  private readonly userAttrs: Record<string, JsonValue> = {};
  private readonly abort = new AbortController();
  private pruneDecision = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private expiresAtMs: number;

  /** @internal Created by RemoteStudy.ask. */
  constructor(
    private readonly client: TuneforgeClient,
    private readonly studyPath: string,
    asked: AskAnswer,
  ) {
    this.number = asked.number;
    this.trialId = asked.trialId;
    this.attempt = asked.attempt;
    this.values = { ...asked.params };
    this.distributions = { ...asked.distributions };
    this.token = asked.lease.token;
    this.leaseSeconds = asked.lease.seconds;
    this.expiresAtMs = Date.parse(asked.lease.expiresAt);
    this.signal = this.abort.signal;
  }

  /** @internal The lease's secret. */
  readonly token: string;
  readonly leaseSeconds: number;

  /** Parameters suggested so far (external values). */
  get params(): Readonly<Record<string, ParamValue>> {
    return { ...this.values };
  }

  /** When the lease lapses unless renewed. */
  get expiresAt(): Date {
    return new Date(this.expiresAtMs);
  }

  /** Whether the lease was lost (the platform took the trial back, or it ended). */
  get leaseLost(): boolean {
    return this.abort.signal.aborted;
  }

  /** User attributes set so far; sent with `tell`. */
  get pendingUserAttrs(): Readonly<Record<string, JsonValue>> {
    return { ...this.userAttrs };
  }

  suggestFloat(name: string, low: number, high: number, options: RangeOptions = {}): number {
    return this.suggest(name, {
      type: 'float',
      low,
      high,
      log: options.log ?? false,
      step: options.step ?? null,
    }) as number;
  }

  suggestInt(name: string, low: number, high: number, options: RangeOptions = {}): number {
    return this.suggest(name, {
      type: 'int',
      low,
      high,
      log: options.log ?? false,
      step: options.step ?? 1,
    }) as number;
  }

  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    return this.suggest(name, { type: 'categorical', choices: [...choices] }) as T;
  }

  /** Stores the intermediate value of `step` and learns the pruner's decision (see shouldPrune). */
  async report(value: number, step: number): Promise<void> {
    const { body } = await this.call(() =>
      this.client.request<{ shouldPrune: boolean }>('POST', `${this.trialPath}/report`, {
        step,
        value,
        token: this.token,
      }),
    );
    this.pruneDecision = body.shouldPrune;
    this.expiresAtMs = Date.now() + this.leaseSeconds * 1000;
  }

  /** The study pruner's decision on the values reported so far (await `report` first). */
  shouldPrune(): boolean {
    return this.pruneDecision;
  }

  /** Kept here and stored with the trial's `tell`. */
  async setUserAttr(key: string, value: JsonValue): Promise<void> {
    this.userAttrs[key] = value;
  }

  /** Renews the lease now. @throws LeaseLostError */
  async renew(): Promise<void> {
    const { body } = await this.call(() =>
      this.client.request<{ expiresAt: string }>('POST', `${this.trialPath}/heartbeat`, {
        token: this.token,
      }),
    );
    this.expiresAtMs = Date.parse(body.expiresAt);
  }

  /** @internal Starts renewing the lease every third of it, until `stopHeartbeats`. */
  startHeartbeats(onError: (error: unknown) => void): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(
      () => {
        this.renew().catch((e: unknown) => {
          // A lost lease is the run's business (its next call throws); other failures are retried next beat.
          if (!(e instanceof LeaseLostError)) onError(e);
        });
      },
      (this.leaseSeconds * 1000) / 3,
    );
    this.heartbeat.unref();
  }

  /** @internal */
  stopHeartbeats(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** @internal */
  get trialPath(): string {
    return `${this.studyPath}/trials/${this.number}`;
  }

  private suggest(name: string, distribution: DistributionJson): ParamValue {
    if (this.leaseLost) throw this.lost();
    const known = this.distributions[name];
    if (known && sameDistribution(known, distribution) && name in this.values) return this.values[name];
    let value: ParamValue;
    try {
      ({ value } = this.client.requestSync<{ name: string; value: ParamValue }>(
        'POST',
        `${this.trialPath}/suggest`,
        {
          name,
          distribution,
          token: this.token,
        },
      ).body);
    } catch (e) {
      throw this.translate(e);
    }
    this.values[name] = value;
    this.distributions[name] = distribution;
    this.expiresAtMs = Date.now() + this.leaseSeconds * 1000;
    return value;
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    if (this.leaseLost) throw this.lost();
    try {
      return await send();
    } catch (e) {
      throw this.translate(e);
    }
  }

  /** A 409 lease-lost becomes a LeaseLostError and aborts `signal`. */
  private translate(e: unknown): unknown {
    if (e instanceof TuneforgeApiError && e.status === 409 && e.reason === 'lease-lost') {
      this.stopHeartbeats();
      if (!this.abort.signal.aborted) this.abort.abort(this.lost(e.message));
      return this.lost(e.message);
    }
    return e;
  }

  private lost(message = `Trial ${this.number}: its lease was lost; stop running it.`): LeaseLostError {
    return new LeaseLostError(this.number, message);
  }
}
