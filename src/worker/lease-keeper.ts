import { Logger } from '@nestjs/common';
import type { Storage } from '@tuneforge/core';
import { RunDiscarded } from '@tuneforge/sandbox';

/** Why a held trial's run was stopped (the `why` of the signal's RunDiscarded reason). */
export type LeaseLoss = 'lease-lost' | 'lease-unrenewable';

/**
 * The reason a run is aborted with when its worker shuts down. Not a RunDiscarded: the sandbox gives
 * the objective's processes its grace period (SIGTERM, then SIGKILL), and the trial is handed back.
 */
export class WorkerStopping extends Error {
  constructor() {
    super('the worker is shutting down');
    this.name = 'WorkerStopping';
  }
}

interface Held {
  controller: AbortController;
  /** The run has ended and its result is on its way to the database (see `settle`). */
  settling: boolean;
}

/**
 * Keeps the leases of the trials this worker runs: renews them all in one statement every
 * `renewEveryMs`, and stops a trial's run (its AbortSignal) when the lease is no longer ours — the
 * scheduler sent the trial back after its lease lapsed — or when no renewal succeeded for
 * `fenceAfterMs`, shorter than the lease, so that a worker cut off from the database stops its runs
 * before the scheduler can hand them to another worker: a trial never runs twice at once.
 */
export class LeaseKeeper {
  private readonly logger = new Logger('worker');
  private readonly held = new Map<number, Held>();
  private timer: NodeJS.Timeout | null = null;
  private lastRenewal = Date.now();
  private renewing = false;
  private stopping: WorkerStopping | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly workerId: string,
    private readonly renewEveryMs: number,
    private readonly fenceAfterMs: number,
    private readonly onLoss: (trialId: number, why: LeaseLoss) => void = () => undefined,
  ) {}

  /** Holds the lease of a trial just claimed; its signal aborts when the lease is lost. */
  hold(trialId: number): AbortSignal {
    const controller = new AbortController();
    // Claimed while the worker stops: the run is stopped before it starts, and handed back.
    if (this.stopping) controller.abort(this.stopping);
    if (this.held.size === 0) this.lastRenewal = Date.now();
    this.held.set(trialId, { controller, settling: false });
    this.timer ??= setInterval(() => void this.renew(), this.renewEveryMs);
    return controller.signal;
  }

  /**
   * The trial's run has ended and its result is being committed: its lease is still renewed, but a renewal
   * that misses it is not a loss to report — the commit landed first (the trial is no longer RUNNING), or
   * the scheduler took the trial back, which the commit finds out and the runner says.
   */
  settle(trialId: number): void {
    const entry = this.held.get(trialId);
    if (entry) entry.settling = true;
  }

  holds(trialId: number): boolean {
    return this.held.has(trialId);
  }

  release(trialId: number): void {
    this.held.delete(trialId);
    if (this.held.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /**
   * The worker shuts down: stops every held run and every later one with `reason` (their leases are
   * still renewed until they are released, so the trials stay this worker's until handed back).
   */
  abortAll(reason: WorkerStopping): void {
    this.stopping = reason;
    for (const { controller } of this.held.values()) {
      if (!controller.signal.aborted) controller.abort(reason);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One renewal round (the timer's; public for tests). */
  async renew(): Promise<void> {
    if (this.renewing || this.held.size === 0) return;
    this.renewing = true;
    const ids = [...this.held.keys()];
    try {
      const kept = new Set(await this.storage.renewLeases(this.workerId, ids, Date.now()));
      this.lastRenewal = Date.now();
      for (const id of ids) if (!kept.has(id) && this.held.has(id)) this.lose(id, 'lease-lost');
    } catch (error) {
      const silentFor = Date.now() - this.lastRenewal;
      if (silentFor >= this.fenceAfterMs) {
        for (const id of ids) if (this.held.has(id)) this.lose(id, 'lease-unrenewable');
      }
      this.logger.warn({
        msg: `could not renew ${ids.length} trial lease(s) for ${Math.round(silentFor / 1000)} s: ${(error as Error).message}`,
        event: 'lease-renewal-failed',
      });
    } finally {
      this.renewing = false;
    }
  }

  private lose(trialId: number, why: LeaseLoss): void {
    const entry = this.held.get(trialId)!;
    if (entry.settling || entry.controller.signal.aborted) return;
    // Discarded: the sandbox kills the run's processes at once (no shutdown grace).
    entry.controller.abort(new RunDiscarded(why));
    this.onLoss(trialId, why);
  }
}
