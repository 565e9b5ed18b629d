import {
  contains,
  describe,
  distributionsEqual,
  isSingle,
  toInternal,
  type Distribution,
  type ParamValue,
} from '../distributions';
import { InvalidArgumentError } from '../errors';
import { assertJsonAttr, type JsonObject, type JsonValue } from '../json';
import type { Pruner } from '../pruners/pruner';
import type { PruningSource } from '../pruners/pruning-history';
import type { Sampler, SearchSpace } from '../samplers/sampler';
import type { Storage } from '../storage/storage';
import type { StudyView, TrialCache } from '../study/study-view';
import type { FrozenTrial } from './frozen-trial';
import { DefineByRun } from './define-by-run';
import { trialContext } from './trial-context';

/** What a live trial needs from its study. */
export interface TrialHost {
  readonly storage: Storage;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly view: StudyView;
  readonly history: TrialCache;
  /** Where pruning decisions read the other trials from. */
  readonly pruning: PruningSource;
}

/** System attribute holding the external values of an enqueued trial's fixed parameters. */
export const FIXED_PARAMS_ATTR = 'fixed_params';
/** System attribute holding why a trial ended FAIL. */
export const FAIL_REASON_ATTR = 'fail_reason';

/**
 * A running trial, handed to the objective (define-by-run). `suggest*` answer at once, from the
 * fixed (enqueued) values, the relative sample taken at ask time, or the sampler's independent
 * sample; storage writes are queued in order and flushed by `report`, `shouldPrune`'s caller and
 * `study.tell`.
 */
export class Trial extends DefineByRun {
  private readonly intermediate: Record<number, number> = {};
  private readonly userAttrsLocal: JsonObject;
  private readonly systemAttrsLocal: JsonObject;
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown = null;

  /** @internal Created by Study.ask. */
  constructor(
    private readonly host: TrialHost,
    private readonly frozen: FrozenTrial,
    private readonly relativeParams: Readonly<Record<string, ParamValue>>,
    private readonly relativeSpace: Readonly<SearchSpace>,
  ) {
    super();
    this.userAttrsLocal = { ...frozen.userAttrs };
    this.systemAttrsLocal = { ...frozen.systemAttrs };
    Object.assign(this.params, frozen.params);
    Object.assign(this.distributions, frozen.distributions);
    // A trial attached again (an api process serving a REST client's report) keeps its curve so far:
    // pruners judge it whole, and a step reported before keeps its first value.
    Object.assign(this.intermediate, frozen.intermediateValues);
  }

  /** 0-based number of the trial in its study. */
  get number(): number {
    return this.frozen.number;
  }

  get trialId(): number {
    return this.frozen.trialId;
  }

  /** Parameters suggested so far (external values). */
  get paramsSoFar(): Readonly<Record<string, ParamValue>> {
    return { ...this.params };
  }

  get userAttrs(): Readonly<JsonObject> {
    return { ...this.userAttrsLocal };
  }

  get systemAttrs(): Readonly<JsonObject> {
    return { ...this.systemAttrsLocal };
  }

  /**
   * Records the intermediate value of `step` (an integer >= 0), for pruners and learning curves.
   * A step reported twice keeps its first value. Awaiting it also refreshes the study's history, so
   * that `shouldPrune()` compares against the latest values of the other trials.
   */
  async report(value: number, step: number): Promise<void> {
    if (typeof value !== 'number') {
      throw new InvalidArgumentError(`report: value must be a number, got ${JSON.stringify(value)}`);
    }
    if (!Number.isInteger(step) || step < 0) {
      throw new InvalidArgumentError(`report: step must be an integer >= 0, got ${step}`);
    }
    if (this.host.view.directions.length > 1) {
      throw new InvalidArgumentError('report is not supported for multi-objective studies.');
    }
    if (step in this.intermediate) return this.flush();
    this.intermediate[step] = value;
    this.queue(() => this.host.storage.setTrialIntermediateValue(this.trialId, step, value));
    await this.flush();
    await this.host.pruning.refresh(step);
  }

  /**
   * Whether the study's pruner says this trial should stop now, judged on the values reported so far
   * (await `report` first). When true, end the objective with `throw new TrialPruned()`.
   */
  shouldPrune(): boolean {
    if (this.host.view.directions.length > 1) {
      throw new InvalidArgumentError('shouldPrune is not supported for multi-objective studies.');
    }
    const pending: Array<[string, JsonValue]> = [];
    const pruning = this.host.pruning;
    const decision = this.host.pruner.prune(pruning, trialContext(this.snapshot(), pending));
    for (const [key, value] of pending) this.setSystemAttr(key, value);
    // Rungs the pruner recorded in the pruning history are stored like the trial's own writes.
    this.queue(() => pruning.flush(this.number));
    return decision;
  }

  /**
   * Stores a user attribute on the trial (any JSON value; anything else is refused at the call). Awaiting
   * it is optional: a write that fails is also reported when the trial ends.
   */
  setUserAttr(key: string, value: JsonValue): Promise<void> {
    assertJsonAttr('setUserAttr', key, value);
    this.userAttrsLocal[key] = value;
    this.queue(() => this.host.storage.setTrialUserAttr(this.trialId, key, value));
    const flushed = this.flush();
    // Not awaited by the objective, a failed write would otherwise be an unhandled rejection.
    flushed.catch(() => undefined);
    return flushed;
  }

  /** @internal Samplers, pruners and the runtime record their state here. */
  setSystemAttr(key: string, value: JsonValue): void {
    this.systemAttrsLocal[key] = value;
    this.queue(() => this.host.storage.setTrialSystemAttr(this.trialId, key, value));
  }

  /** The trial as it stands, RUNNING, with everything suggested and reported so far. */
  snapshot(): FrozenTrial {
    return {
      ...this.frozen,
      params: { ...this.params },
      distributions: { ...this.distributions },
      intermediateValues: { ...this.intermediate },
      userAttrs: { ...this.userAttrsLocal },
      systemAttrs: { ...this.systemAttrsLocal },
    };
  }

  /** Waits for every queued storage write; rethrows the first that failed. */
  async flush(): Promise<void> {
    await this.writes;
    if (this.writeError) throw this.writeError;
  }

  private queue(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch((e: unknown) => {
      this.writeError ??= e;
    });
  }

  protected get where(): string {
    return ` in trial ${this.number}`;
  }

  protected override record(name: string, internal: number, distribution: Distribution): void {
    this.queue(() => this.host.storage.setTrialParam(this.trialId, name, internal, distribution));
  }

  protected pick(name: string, distribution: Distribution): ParamValue {
    const fixed = this.systemAttrsLocal[FIXED_PARAMS_ATTR] as Record<string, ParamValue> | undefined;
    if (fixed && name in fixed) {
      const internal = toInternal(distribution, fixed[name]);
      if (!contains(distribution, internal)) {
        throw new InvalidArgumentError(
          `Enqueued value ${JSON.stringify(fixed[name])} of '${name}' is outside ${describe(distribution)}.`,
        );
      }
      return fixed[name];
    }
    if (isSingle(distribution)) {
      return distribution.type === 'categorical' ? distribution.choices[0] : distribution.low;
    }
    if (
      name in this.relativeParams &&
      this.relativeSpace[name] &&
      distributionsEqual(this.relativeSpace[name], distribution)
    ) {
      return this.relativeParams[name];
    }
    const pending: Array<[string, JsonValue]> = [];
    const value = this.host.sampler.sampleIndependent(
      this.host.view,
      trialContext(this.snapshot(), pending),
      name,
      distribution,
    );
    for (const [key, v] of pending) this.setSystemAttr(key, v);
    return value;
  }
}
