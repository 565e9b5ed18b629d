import { Injectable, Logger } from '@nestjs/common';
import { parseStudyEventsMessage, RedisKeys, type RedisClient, type StudyEvent } from '@tuneforge/platform';
import type { ServerResponse } from 'node:http';
import { Observable, Subject } from 'rxjs';
import { PlatformConfig } from '../../config/platform-config';
import { createRedisConnection } from '../../providers/redis.provider';

type Listener = (event: StudyEvent) => void;

/** How long a stop waits for the event streams' responses to end. */
const SHUTDOWN_WAIT_MS = 2_000;

interface Channel {
  readonly listeners: Set<Listener>;
  /** Settles when Redis has confirmed the subscription. */
  readonly subscribed: Promise<unknown>;
}

/**
 * The API's side of the studies' Redis channels. One dedicated connection (a subscribed connection can
 * run no other command) serves every open stream: a channel is subscribed while at least one client
 * listens to its study, and unsubscribed when the last one leaves.
 */
@Injectable()
export class StudyEventsHub {
  private readonly logger = new Logger('events');
  private readonly keys: RedisKeys;
  private readonly channels = new Map<string, Channel>();
  private subscriber: RedisClient | null = null;
  private readonly closing$ = new Subject<void>();
  /** Settle when an open stream's response has ended. */
  private readonly streams = new Set<Promise<void>>();

  /** Emits once when the API stops: open streams end then, so that the HTTP server can close. */
  readonly closing = this.closing$.asObservable();

  constructor(private readonly config: PlatformConfig) {
    this.keys = new RedisKeys(config.queuePrefix);
  }

  /**
   * The events of one study from now on, after a first `null` once Redis has confirmed the subscription:
   * whatever a client reads after that `null` cannot miss a later event.
   */
  events(studyId: number): Observable<StudyEvent | null> {
    const name = this.keys.studyEvents(studyId);
    return new Observable<StudyEvent | null>((subscriber) => {
      const listener: Listener = (event) => subscriber.next(event);
      let channel = this.channels.get(name);
      if (!channel) {
        channel = { listeners: new Set(), subscribed: this.connection().subscribe(name) };
        this.channels.set(name, channel);
      }
      channel.listeners.add(listener);
      channel.subscribed.then(
        () => subscriber.next(null),
        (e: Error) => subscriber.error(e),
      );
      const joined = channel;
      return () => {
        joined.listeners.delete(listener);
        if (joined.listeners.size === 0 && this.channels.get(name) === joined) {
          this.channels.delete(name);
          this.subscriber
            ?.unsubscribe(name)
            .catch((e: Error) => this.logger.warn(`unsubscribe ${name}: ${e.message}`));
        }
      };
    });
  }

  /** Counts `response` as an open stream until it ends: see `endStreams`. */
  track(response: ServerResponse): void {
    const ended = new Promise<void>((resolve) => response.once('close', () => resolve()));
    this.streams.add(ended);
    void ended.then(() => this.streams.delete(ended));
  }

  /**
   * The api's stop, before the HTTP server closes (ApiModule, PlatformShutdown's stop-intake). An event stream never ends on its own, and the server waits for the
   * connections that are busy when it closes; so the streams end first (`closing`), and once their
   * responses are done their idle connections close with the server instead of holding it open.
   */
  async endStreams(): Promise<void> {
    this.closing$.next();
    this.closing$.complete();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
    await Promise.race([Promise.all(this.streams), deadline]);
    clearTimeout(timer);
  }

  /** Closes the subscriber connection (PlatformShutdown's close-redis); idempotent. */
  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber && subscriber.status !== 'end')
      await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private connection(): RedisClient {
    if (!this.subscriber) {
      // Commands wait while Redis is away and the subscriptions are restored on reconnect (ioredis does
      // both), so a Redis restart pauses the streams instead of ending them.
      this.subscriber = createRedisConnection(this.config, { maxRetriesPerRequest: null });
      this.subscriber.on('error', (e: Error) => this.logger.warn(`event subscriber: ${e.message}`));
      this.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    }
    return this.subscriber;
  }

  private dispatch(channel: string, message: string): void {
    const listeners = this.channels.get(channel)?.listeners;
    if (!listeners) return;
    let events: StudyEvent[];
    try {
      events = parseStudyEventsMessage(message);
    } catch {
      this.logger.warn(`ignored a message that is not JSON on ${channel}`);
      return;
    }
    for (const event of events) for (const listener of listeners) listener(event);
  }
}
