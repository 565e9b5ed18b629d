import { Logger } from '@nestjs/common';
import type { FrozenTrial, Pruner } from '@tuneforge/core';
import type { RedisClient, StudyEvent, StudyStateEvent, TrialFinishedEvent } from '@tuneforge/platform';
import {
  LEASE_EXPIRIES,
  PRUNING_DECISIONS,
  REFILL_DURATION,
  TRANSIENT_RETRIES,
  TRIAL_DURATION,
  TRIAL_RETRIES,
  TRIALS_CREATED,
} from './metric-definitions';
import { RedisMetrics } from './redis-metrics';
import { StudyEventPublisher } from './study-event-publisher';

/**
 * What the worker and scheduler processes tell the rest of the platform about their work: metrics added
 * up in Redis (read by the API's `/metrics`), events on the study's channel (the dashboards' live
 * updates), and a structured log line per finished trial.
 *
 * A metric or an event that cannot be sent is logged and dropped: the trial's result is already
 * committed, and telemetry must never fail it.
 */
export class PlatformTelemetry {
  private readonly metrics: RedisMetrics;
  private readonly events: StudyEventPublisher;
  private readonly logger: Logger;

  constructor(redis: RedisClient, prefix: string, context: string) {
    this.metrics = new RedisMetrics(redis, prefix);
    this.events = new StudyEventPublisher(redis, prefix);
    this.logger = new Logger(context);
  }

  /** After a trial's final state is committed: duration histogram, dashboard event, log line. */
  async trialFinished(studyId: number, trial: FrozenTrial): Promise<void> {
    const state = trial.state as TrialFinishedEvent['state'];
    const durationMs =
      trial.datetimeStart !== null && trial.datetimeComplete !== null
        ? trial.datetimeComplete - trial.datetimeStart
        : null;
    this.logger.log({
      msg: `trial ${trial.number} of study ${studyId} finished ${state}`,
      studyId,
      trialId: trial.trialId,
      trialNumber: trial.number,
      state,
      values: trial.values,
      durationMs,
    });
    const event: TrialFinishedEvent = {
      type: 'trial-finished',
      studyId,
      trialId: trial.trialId,
      number: trial.number,
      state,
      values: trial.values,
      durationMs,
    };
    await Promise.all([
      durationMs !== null
        ? this.quietly(this.metrics.observe(TRIAL_DURATION, durationMs / 1000, { state }))
        : undefined,
      this.publish(event),
    ]);
  }

  /** The study's platform state changed: dashboards showing it refresh. */
  studyStateChanged(studyId: number, state: StudyStateEvent['state']): Promise<void> {
    return this.publish({ type: 'study-state', studyId, state });
  }

  /** After a refill of the scheduler: how long it took and how many trials it created. */
  async refilled(seconds: number, created: number): Promise<void> {
    await Promise.all([
      this.quietly(this.metrics.observe(REFILL_DURATION, seconds)),
      created > 0 ? this.quietly(this.metrics.increment(TRIALS_CREATED, {}, created)) : undefined,
    ]);
  }

  /** A trial was sent back to run again. */
  trialRetried(
    studyId: number,
    reason: 'lease-expired' | 'failed' | 'worker-stopped',
    count = 1,
  ): Promise<void> {
    return this.quietly(this.metrics.increment(TRIAL_RETRIES, { reason }, count));
  }

  /** The scheduler ended lapsed leases: trials requeued, and trials failed with no retry left. */
  async leasesExpired(studyId: number, requeued: number, failed: number): Promise<void> {
    await Promise.all([
      requeued > 0
        ? this.quietly(this.metrics.increment(LEASE_EXPIRIES, { outcome: 'requeued' }, requeued))
        : undefined,
      failed > 0
        ? this.quietly(this.metrics.increment(LEASE_EXPIRIES, { outcome: 'failed' }, failed))
        : undefined,
      requeued > 0 ? this.trialRetried(studyId, 'lease-expired', requeued) : undefined,
    ]);
  }

  /** A call was retried because `dependency` was unreachable. */
  transientRetry(dependency: 'database'): Promise<void> {
    return this.quietly(this.metrics.increment(TRANSIENT_RETRIES, { dependency }));
  }

  /** `pruner`, counting each of its decisions as pruned or kept. */
  countDecisions(pruner: Pruner): Pruner {
    return {
      prune: (study, trial) => {
        const decision = pruner.prune(study, trial);
        // Not awaited: the pruner answers synchronously; the increment goes out on this connection
        // before anything the worker sends about the trial afterwards.
        void this.quietly(
          this.metrics.increment(PRUNING_DECISIONS, { decision: decision ? 'pruned' : 'kept' }),
        );
        return decision;
      },
    };
  }

  private publish(event: StudyEvent): Promise<void> {
    return this.quietly(this.events.publish(event));
  }

  private async quietly(work: Promise<unknown>): Promise<void> {
    try {
      await work;
    } catch (e) {
      this.logger.warn(`telemetry not recorded: ${(e as Error).message}`);
    }
  }
}
