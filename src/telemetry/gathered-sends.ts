/**
 * One send at a time, the rest gathered: what is added while a send is on its way joins the batch that goes
 * out when that send has been answered. A busy process then sends a few batches a second instead of one
 * per trial, and a quiet one still sends at once (the first batch leaves on the next microtask).
 */
export class GatheredSends<B> {
  private gathering: { batch: B; sent: Promise<void> } | null = null;
  private lastSend: Promise<void> = Promise.resolve();

  constructor(
    private readonly create: () => B,
    private readonly send: (batch: B) => Promise<void>,
  ) {}

  /** The batch being gathered, to add to, and the promise of its send (rejects when that failed). */
  current(): { batch: B; sent: Promise<void> } {
    if (this.gathering) return this.gathering;
    const next = { batch: this.create(), sent: Promise.resolve() };
    next.sent = this.lastSend.then(() => {
      if (this.gathering === next) this.gathering = null;
      return this.send(next.batch);
    });
    this.lastSend = next.sent.catch(() => undefined);
    this.gathering = next;
    return next;
  }
}
