import { Logger } from '@nestjs/common';
import type { Storage, StudySummary } from '@tuneforge/core';
import { LAPSED_LEASE_FAILURE, readStudyDefinition, retryPolicyOf } from '@tuneforge/platform';
import type { PlatformTelemetry } from '../telemetry/platform-telemetry';

/** What one reconciliation of a study did. */
export interface Reconciled {
  requeued: number;
  failed: number;
}

/**
 * Ends the leases that lapsed (Postgres is the truth about who runs what; Redis only carries the work):
 * a RUNNING trial whose worker stopped renewing its lease — the worker died or hung, its job was lost
 * with Redis, or it lost the database — goes back to WAITING to run again, or ends FAIL once the
 * study's `retry.maxRetries` is spent. The refill that follows enqueues a job for every WAITING trial.
 *
 * Nothing is expired until the scheduler has reached the database for a whole lease without a break:
 * after an outage (or this scheduler's own start) the workers get one lease to renew theirs first.
 *
 * REST clients (ask and tell) hold trials under leases of their own duration: the api stores each of
 * their renewals shifted by the difference to this lease (libs/platform `clientRenewalTime`), so the
 * one rule here ends a client's trial `leaseSeconds` after its last call, and a client-only study's
 * trial sent back to WAITING is handed to the next ask.
 */
export class LeaseReconciler {
  private readonly logger = new Logger('scheduler');
  private healthySince: number | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly leaseMs: number,
    private readonly defaultMaxRetries: number,
    private readonly telemetry: PlatformTelemetry,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The database answered (a sweep's read succeeded) or did not. */
  databaseReached(ok: boolean): void {
    if (!ok) this.healthySince = null;
    else this.healthySince ??= this.clock();
  }

  /** Whether leases may be judged now (see the class comment). */
  get settled(): boolean {
    return this.healthySince !== null && this.clock() - this.healthySince >= this.leaseMs;
  }

  async reconcile(study: StudySummary): Promise<Reconciled> {
    if (!this.settled || study.trialCounts.RUNNING === 0) return { requeued: 0, failed: 0 };
    const definition = readStudyDefinition(study.studyName, study.systemAttrs);
    if (!definition) return { requeued: 0, failed: 0 };
    const { maxRetries } = retryPolicyOf(definition, this.defaultMaxRetries);
    const now = this.clock();
    const lapsedBefore = now - this.leaseMs;
    const reason = `${LAPSED_LEASE_FAILURE} (a worker's lasts ${this.leaseMs / 1000} s, a client's the leaseSeconds it asked for) ${maxRetries + 1} time(s); no retry left (retry.maxRetries = ${maxRetries})`;
    const { requeued, failed } = await this.storage.expireLeases(
      study.studyId,
      lapsedBefore,
      now,
      maxRetries + 1,
      reason,
    );
    for (const t of [...requeued, ...failed]) {
      this.logger.warn({
        msg: `trial ${t.number} of study ${study.studyId}: lease lapsed; ${t.state === 'WAITING' ? 'it runs again' : 'no retry left, FAIL'}`,
        event: 'lease-expired',
        studyId: study.studyId,
        trialNumber: t.number,
        outcome: t.state === 'WAITING' ? 'requeued' : 'failed',
      });
    }
    if (requeued.length + failed.length > 0) {
      await this.telemetry.leasesExpired(study.studyId, requeued.length, failed.length);
      for (const t of failed) await this.telemetry.trialFinished(study.studyId, t);
    }
    return { requeued: requeued.length, failed: failed.length };
  }
}
