import {
  needsResources,
  trialQueueName,
  type Resources,
  type TrialJobData,
  type WorkerPoolRegistry,
} from '@tuneforge/platform';
import { Queue } from 'bullmq';

/**
 * The trial queues of a process: the default one (trials that need nothing: Nest's `trials` queue) and one per
 * worker pool (`trialQueueName`), opened on first use with the default queue's connection and prefix, and
 * recorded in Redis so that the workers, Bull Board and GET /pools find them.
 */
export class TrialQueues {
  private readonly pools = new Map<string, Queue<TrialJobData>>();
  private readonly recorded = new Set<string>();

  constructor(
    readonly defaultQueue: Queue<TrialJobData>,
    private readonly registry: WorkerPoolRegistry,
  ) {}

  /** The queue of trials that need `need`, recorded in Redis the first time this process sends trials to it. */
  async forTrialsNeeding(need: Resources | undefined): Promise<Queue<TrialJobData>> {
    if (!needsResources(need)) return this.defaultQueue;
    const name = trialQueueName(need);
    if (!this.recorded.has(name)) {
      await this.registry.addPoolQueue(name);
      this.recorded.add(name);
    }
    return this.named(name);
  }

  /** The queue of that name (a pool queue opened on first use). */
  named(name: string): Queue<TrialJobData> {
    if (name === this.defaultQueue.name) return this.defaultQueue;
    let queue = this.pools.get(name);
    if (!queue) {
      const { connection, prefix } = this.defaultQueue.opts;
      queue = new Queue<TrialJobData>(name, { connection, prefix });
      this.pools.set(name, queue);
    }
    return queue;
  }

  /** Closes the pool queues (the default one is Nest's); idempotent. */
  async close(): Promise<void> {
    const queues = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(queues.map((q) => q.close()));
  }
}
