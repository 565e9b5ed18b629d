import { randomBytes } from 'node:crypto';
import { parseStudyEventsMessage, RedisKeys, type StudyEvent } from '@tuneforge/platform';
import { Redis } from 'ioredis';
import { StudyEventPublisher } from './study-event-publisher';

describe('StudyEventPublisher (real Redis, a fresh prefix)', () => {
  const prefix = `tfevents${randomBytes(4).toString('hex')}`;
  const keys = new RedisKeys(prefix);
  let redis: Redis;
  let subscriber: Redis;
  let messages: Array<{ channel: string; events: StudyEvent[] }>;

  beforeAll(async () => {
    redis = new Redis({ host: '127.0.0.1', port: 6379 });
    subscriber = new Redis({ host: '127.0.0.1', port: 6379 });
    subscriber.on('message', (channel: string, message: string) =>
      messages.push({ channel, events: parseStudyEventsMessage(message) }),
    );
    await subscriber.subscribe(keys.studyEvents(1), keys.studyEvents(2));
  });
  beforeEach(() => {
    messages = [];
  });
  afterAll(async () => {
    await subscriber.quit();
    await redis.quit();
  });

  const finished = (studyId: number, number: number): StudyEvent => ({
    type: 'trial-finished',
    studyId,
    trialId: 100 * studyId + number,
    number,
    state: 'COMPLETE',
    values: [number],
    durationMs: 1,
  });

  /** Until `count` messages have arrived (a published message reaches the subscriber soon after). */
  async function received(count: number): Promise<void> {
    for (let i = 0; i < 200 && messages.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  }

  it('sends an event at once when no send is on its way', async () => {
    const publisher = new StudyEventPublisher(redis, prefix);
    await publisher.publish(finished(1, 0));
    await received(1);
    expect(messages).toEqual([{ channel: keys.studyEvents(1), events: [finished(1, 0)] }]);
  });

  it('groups the events raised together into one message per study, in order', async () => {
    const publisher = new StudyEventPublisher(redis, prefix);
    await Promise.all([
      publisher.publish(finished(1, 0)),
      publisher.publish(finished(2, 0)),
      publisher.publish(finished(1, 1)),
      publisher.publish({ type: 'study-state', studyId: 2, state: 'COMPLETED' }),
    ]);
    await received(2);
    expect(messages).toEqual([
      { channel: keys.studyEvents(1), events: [finished(1, 0), finished(1, 1)] },
      {
        channel: keys.studyEvents(2),
        events: [finished(2, 0), { type: 'study-state', studyId: 2, state: 'COMPLETED' }],
      },
    ]);
  });

  it('sends the events raised while a send is on its way with the next one', async () => {
    const publisher = new StudyEventPublisher(redis, prefix);
    const first = publisher.publish(finished(1, 0));
    // The first send has been issued (its reply cannot have been read: no I/O runs between microtasks).
    await Promise.resolve();
    const next = [publisher.publish(finished(1, 1)), publisher.publish(finished(1, 2))];
    await Promise.all([first, ...next]);
    await received(2);
    expect(messages).toEqual([
      { channel: keys.studyEvents(1), events: [finished(1, 0)] },
      { channel: keys.studyEvents(1), events: [finished(1, 1), finished(1, 2)] },
    ]);
  });

  it('reads a message of one event alone, as processes sent before events were grouped', () => {
    expect(parseStudyEventsMessage(JSON.stringify(finished(1, 3)))).toEqual([finished(1, 3)]);
  });
});
