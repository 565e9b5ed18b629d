import { RedisKeys, studyEventsMessage, type RedisClient, type StudyEvent } from '@tuneforge/platform';

/** The events gathered for one send: channel → events in the order they were raised. */
interface EventBatch {
  readonly byChannel: Map<string, StudyEvent[]>;
  sent: Promise<void>;
}

/**
 * Publishes study events on their studies' channels, grouped: the events raised while the previous send
 * is on its way go out with the next one, one message per study (studyEventsMessage). A worker finishing
 * hundreds of trials a second then sends a few messages instead of one PUBLISH per trial, and one that
 * finishes a trial now and then still sends it at once. A study's events keep their order.
 */
export class StudyEventPublisher {
  private readonly keys: RedisKeys;
  private gathering: EventBatch | null = null;
  private lastSend: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  /** Resolves once the message carrying `event` has been published (rejects when that failed). */
  publish(event: StudyEvent): Promise<void> {
    let batch = this.gathering;
    if (!batch) {
      const next: EventBatch = { byChannel: new Map(), sent: Promise.resolve() };
      next.sent = this.lastSend.then(() => {
        if (this.gathering === next) this.gathering = null;
        return this.send(next);
      });
      this.lastSend = next.sent.catch(() => undefined);
      this.gathering = batch = next;
    }
    const channel = this.keys.studyEvents(event.studyId);
    const events = batch.byChannel.get(channel);
    if (events) events.push(event);
    else batch.byChannel.set(channel, [event]);
    return batch.sent;
  }

  private async send(batch: EventBatch): Promise<void> {
    // One PUBLISH per channel, not a pipeline: on a Redis Cluster a pipeline must stay within one slot.
    await Promise.all(
      [...batch.byChannel].map(([channel, events]) => this.redis.publish(channel, studyEventsMessage(events))),
    );
  }
}
