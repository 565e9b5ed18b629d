import { RedisKeys, studyEventsMessage, type RedisClient, type StudyEvent } from '@tuneforge/platform';
import { GatheredSends } from './gathered-sends';

/** The events gathered for one send: channel → events in the order they were raised. */
type EventBatch = Map<string, StudyEvent[]>;

/**
 * Publishes study events on their studies' channels, grouped: the events raised while the previous send
 * is on its way go out with the next one, one message per study (studyEventsMessage). A worker finishing
 * hundreds of trials a second then sends a few messages instead of one PUBLISH per trial, and one that
 * finishes a trial now and then still sends it at once. A study's events keep their order.
 */
export class StudyEventPublisher {
  private readonly keys: RedisKeys;
  private readonly sends = new GatheredSends<EventBatch>(
    () => new Map(),
    (batch) => this.send(batch),
  );

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  /** Resolves once the message carrying `event` has been published (rejects when that failed). */
  publish(event: StudyEvent): Promise<void> {
    const { batch, sent } = this.sends.current();
    const channel = this.keys.studyEvents(event.studyId);
    const events = batch.get(channel);
    if (events) events.push(event);
    else batch.set(channel, [event]);
    return sent;
  }

  private async send(batch: EventBatch): Promise<void> {
    // One PUBLISH per channel, not a pipeline: on a Redis Cluster a pipeline must stay within one slot.
    await Promise.all(
      [...batch].map(([channel, events]) => this.redis.publish(channel, studyEventsMessage(events))),
    );
  }
}
