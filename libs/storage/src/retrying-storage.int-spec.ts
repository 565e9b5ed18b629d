import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { TrialAlreadyFinishedError, type Storage } from '@tuneforge/core';
import { Client } from 'pg';
import { withTransientRetries } from './retrying-storage';
import { openStorage } from './storage-url';
import { freshPostgresDatabase, type FreshDatabase } from './testing/fresh-database';
import { isTransientDatabaseError } from './transient-errors';

/**
 * A TCP relay to the test Postgres that can be cut and restored: from the client's side, the database
 * goes away (connections reset, new ones refused) and comes back on the same address.
 */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(5432, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

describe('withTransientRetries on a Postgres that goes away', () => {
  let database: FreshDatabase;
  let relay: Relay;
  let storage: Storage;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    relay = new Relay();
    await relay.up();
    const url = new URL(database.url);
    url.port = String(relay.port);
    storage = await openStorage(url.toString());
  });

  afterAll(async () => {
    await storage?.close();
    await relay?.down();
    await database?.drop();
  });

  it('tells a connection error from a wrong statement', async () => {
    const closed = new Client({
      host: '127.0.0.1',
      port: 1,
      user: 'postgres',
      connectionTimeoutMillis: 2000,
    });
    const refused = await closed.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(isTransientDatabaseError(refused)).toBe(true);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    const wrong = await client.query('SELEC 1').then(
      () => null,
      (e: unknown) => e,
    );
    await client.end();
    expect(isTransientDatabaseError(wrong)).toBe(false);
  });

  it('commits a finished trial once the database is back, and only once', async () => {
    const { studyId } = await storage.createStudy({ studyName: 'outage', directions: ['minimize'] });
    const waiting = await storage.createTrial(studyId, { state: 'WAITING' });
    const retries: string[] = [];
    const retrying = withTransientRetries(storage, {
      initialDelayMs: 20,
      maxDelayMs: 100,
      onRetry: (method) => retries.push(method),
    });
    await retrying.claimTrial(waiting.trialId, 'w1', 1_000);
    const faults = storage.connectionFaults();

    await relay.down();
    const finishing = retrying.finishTrial(waiting.trialId, 'COMPLETE', [0.5], 2_000);
    await new Promise((r) => setTimeout(r, 400));
    await relay.up();
    const finished = await finishing;

    expect(retries.length).toBeGreaterThan(0);
    // The break is counted, so that a worker knows to rewrite what it had not made durable.
    expect(storage.connectionFaults()).toBeGreaterThan(faults);
    expect(retrying.connectionFaults()).toBe(storage.connectionFaults());
    expect(new Set(retries)).toEqual(new Set(['finishTrial']));
    expect(finished).toMatchObject({ state: 'COMPLETE', values: [0.5], datetimeComplete: 2_000 });
    expect(await retrying.getTrial(waiting.trialId)).toMatchObject({ state: 'COMPLETE', values: [0.5] });
    // Another result for the same trial is still refused: the retry did not loosen the condition.
    await expect(retrying.finishTrial(waiting.trialId, 'COMPLETE', [9], 3_000)).rejects.toBeInstanceOf(
      TrialAlreadyFinishedError,
    );
  });

  it('does not retry what is not idempotent (creating trials)', async () => {
    const { studyId } = await storage.createStudy({ studyName: 'no-retry', directions: ['minimize'] });
    const retrying = withTransientRetries(storage, { initialDelayMs: 20 });
    await relay.down();
    try {
      const error = await retrying.createTrial(studyId).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isTransientDatabaseError(error)).toBe(true);
    } finally {
      await relay.up();
    }
    // After the outage, through retries: the first use of a pooled connection may still meet the old socket.
    expect(await retrying.getAllTrials(studyId)).toEqual([]);
  });
});
