import { meetsRequirement, type Resources } from '@tuneforge/platform';

/** Amounts are compared with this slack, so that ten trials of 0.1 GPU fit on one GPU. */
const EPSILON = 1e-9;

/**
 * What one worker process has left to give its trials: `slots` trials at once (TUNEFORGE_WORKER_CONCURRENCY)
 * and its resources (TUNEFORGE_WORKER_RESOURCES). Each BullMQ consumer of the worker (one per queue) has its own
 * concurrency, so trials of several queues could together ask for more than the worker offers: each trial takes
 * its share here before it runs and gives it back after. Waiters are served first come, first served, so a
 * trial needing much is not passed over forever by trials needing little.
 */
export class ResourceSemaphore {
  private readonly inUse: Record<string, number> = {};
  private running = 0;
  private readonly waiters: Array<{ need: Resources; grant: (release: (() => void) | null) => void }> = [];
  private closed = false;

  constructor(
    private readonly offer: Resources,
    private readonly slots: number,
  ) {
    if (!Number.isInteger(slots) || slots < 1)
      throw new RangeError(`slots must be an integer >= 1, got ${slots}`);
  }

  /** Trials holding their share now. */
  get held(): number {
    return this.running;
  }

  /**
   * Resolves with the function that gives the share back once a slot and `need` are free; with null when the
   * semaphore was closed first (the worker stops: the trial is not started).
   * @throws RangeError when the worker can never meet `need`
   */
  acquire(need: Resources): Promise<(() => void) | null> {
    if (!meetsRequirement(this.offer, need)) {
      throw new RangeError(
        `this worker offers ${JSON.stringify(this.offer)}, a trial needs ${JSON.stringify(need)}`,
      );
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((grant) => {
      this.waiters.push({ need, grant });
      this.grantWaiting();
    });
  }

  /** Waiting trials get null; no share is given any more. Held shares are still given back. Idempotent. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.grant(null);
  }

  private fits(need: Resources): boolean {
    if (this.running >= this.slots) return false;
    return Object.entries(need).every(
      ([name, amount]) => (this.inUse[name] ?? 0) + amount <= (this.offer[name] ?? 0) + EPSILON,
    );
  }

  private grantWaiting(): void {
    while (this.waiters.length > 0 && this.fits(this.waiters[0].need)) {
      const { need, grant } = this.waiters.shift()!;
      this.take(need, 1);
      let given = false;
      grant(() => {
        if (given) return;
        given = true;
        this.take(need, -1);
        this.grantWaiting();
      });
    }
  }

  private take(need: Resources, sign: 1 | -1): void {
    this.running += sign;
    for (const [name, amount] of Object.entries(need))
      this.inUse[name] = (this.inUse[name] ?? 0) + sign * amount;
  }
}
