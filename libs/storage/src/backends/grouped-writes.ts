import { isTransientDatabaseError } from '../transient-errors';

/** The most writes one statement carries; more wait for the next. */
const MAX_GROUP = 256;

interface Pending<I, O> {
  readonly input: I;
  resolve(output: O | undefined): void;
  reject(error: unknown): void;
}

/**
 * Group commit for one kind of per-trial write (claims, finishes): the calls made while the previous
 * statement is on its way go out together in one statement when it returns. An idle process sends a
 * call at once, as before; a busy one (a worker finishing dozens of trials at a time) sends one
 * statement, and one commit, for many. Each write keeps its own condition inside the statement, so
 * what it may change is exactly what it would have changed alone.
 *
 * `send` returns the outputs of the writes that took effect, by key; a write whose key is missing
 * was refused (its caller says why). Two writes to one key never share a statement (the second
 * waits for the next), since one UPDATE changes a row once. When a grouped statement fails with an
 * error that is not transient (the statement, not the server), each write is sent alone, so that
 * the error reaches the caller whose write caused it; a transient error reaches every caller of the
 * group, which retries as it would have alone.
 */
export class GroupedWrites<I, O> {
  private queue: Array<Pending<I, O>> = [];
  private sending = false;

  constructor(
    private readonly keyOf: (input: I) => number,
    private readonly send: (inputs: readonly I[]) => Promise<Map<number, O>>,
  ) {}

  write(input: I): Promise<O | undefined> {
    return new Promise<O | undefined>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.sending) void this.sendGroups();
    });
  }

  private async sendGroups(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) await this.sendGroup(this.takeGroup());
    } finally {
      this.sending = false;
    }
  }

  /** The oldest writes, at most one per key and MAX_GROUP in all; the others stay queued in order. */
  private takeGroup(): Array<Pending<I, O>> {
    const group: Array<Pending<I, O>> = [];
    const keys = new Set<number>();
    const rest: Array<Pending<I, O>> = [];
    for (const pending of this.queue) {
      const key = this.keyOf(pending.input);
      if (group.length < MAX_GROUP && !keys.has(key)) {
        keys.add(key);
        group.push(pending);
      } else {
        rest.push(pending);
      }
    }
    this.queue = rest;
    return group;
  }

  private async sendGroup(group: ReadonlyArray<Pending<I, O>>): Promise<void> {
    let outputs: Map<number, O>;
    try {
      outputs = await this.send(group.map((p) => p.input));
    } catch (error) {
      if (group.length === 1 || isTransientDatabaseError(error)) {
        for (const p of group) p.reject(error);
      } else {
        await Promise.all(group.map((p) => this.sendGroup([p])));
      }
      return;
    }
    for (const p of group) p.resolve(outputs.get(this.keyOf(p.input)));
  }
}
