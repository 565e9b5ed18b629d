import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import * as fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { deleteKeysOfPrefix, keysOfPrefix } from '@tuneforge/platform/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { freshPostgresDatabase, type FreshDatabase } from '../libs/storage/src/testing/fresh-database';
import { parseRouteInt, parseStudyRef } from '../src/api/common/route-params';
import { loadPlatformConfig } from '../src/config/platform-config';
import { createApiApp, platformModule } from '../src/main';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..');
/** Fixed so that a failure reproduces; TUNEFORGE_PROPERTY_SEED=<n> explores other inputs. */
const SEED = Number(process.env.TUNEFORGE_PROPERTY_SEED ?? 20261203);
/** Scales every property's number of runs (e.g. 10 for a long local hunt). */
const RUNS = Number(process.env.TUNEFORGE_PROPERTY_RUNS_SCALE ?? 1);

// --- the app, in this process: the api role alone on a fresh database and Redis prefix -----------------

/** Keeps what the app logs as errors (a 500's stack), for failure messages. */
class RecordingLogger implements LoggerService {
  readonly errors: string[] = [];
  log(): void {}
  warn(): void {}
  debug(): void {}
  verbose(): void {}
  error(message: unknown, ...rest: unknown[]): void {
    this.errors.push([message, ...rest].map(String).join(' '));
  }
}

interface Reply {
  status: number;
  contentType: string;
  text: string;
  body: any;
}

interface Outgoing {
  /** Sent as JSON; `undefined` sends no body. */
  json?: unknown;
  /** Sent as it is (malformed JSON, other types). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

let app: NestExpressApplication;
let database: FreshDatabase;
let prefix: string;
let pg: Client;
let redis: Redis;
let base: { host: string; port: number };
const logger = new RecordingLogger();
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * One request with the path exactly as given (fetch would normalize `..` and percent-encoding). A
 * server-sent events stream is closed once its headers arrive.
 */
function send(method: string, path: string, out: Outgoing = {}): Promise<Reply> {
  const payload =
    out.raw !== undefined ? out.raw : out.json !== undefined ? JSON.stringify(out.json) : undefined;
  const headers: Record<string, string> = { ...(out.headers ?? {}) };
  if (payload !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ ...base, method, path, headers, agent }, (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      if (res.statusCode! < 400 && contentType.startsWith('text/event-stream')) {
        res.destroy();
        resolve({ status: res.statusCode!, contentType, text: '', body: null });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: checked below for error statuses
        }
        resolve({ status: res.statusCode!, contentType, text, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Every table's row count and rows' checksum, and every Redis key under the prefix with its value. */
let snapshotSql = '';
async function snapshot(): Promise<string> {
  const tables = (await pg.query(snapshotSql)).rows.map((r) => `${r.t}:${r.n}:${r.h}`);
  const keys = (await keysOfPrefix(redis, prefix)).sort();
  const dumps = keys.length ? ((await redis.pipeline(keys.map((k) => ['dumpBuffer', k])).exec()) ?? []) : [];
  const values = dumps.map(([, v]) => (v instanceof Buffer ? v.toString('hex') : String(v)));
  return JSON.stringify({ tables, redis: keys.map((k, i) => `${k}=${values[i]}`) });
}

// --- what every answer must be -------------------------------------------------------------------------

interface Expectation {
  /** A 404 without a field is right only for a well-formed id (or number) that names nothing. */
  wellFormedRefs: boolean;
}

function describeRequest(method: string, path: string, out: Outgoing): string {
  const body =
    out.raw !== undefined ? String(out.raw) : out.json === undefined ? '' : JSON.stringify(out.json);
  return `${method} ${path}${body ? ` ${body.length > 300 ? `${body.slice(0, 300)}…` : body}` : ''}`;
}

/**
 * Never a 5xx; every 4xx in the one shape `{ statusCode, error, message, errors? }`, naming the field at
 * fault (except a 404 of a well-formed id and a 409); nothing written by a 4xx.
 */
function checkReply(reply: Reply, expectation: Expectation, what: string): void {
  const fail = (problem: string) => {
    const log = logger.errors.length ? `\nserver log:\n${logger.errors.slice(-3).join('\n')}` : '';
    throw new Error(`${what}\n→ ${reply.status} ${reply.text.slice(0, 500)}\n${problem}${log}`);
  };
  if (reply.status >= 500) fail('a 5xx');
  if (reply.status < 400) return;
  const body = reply.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('the body is not a JSON object');
  if (!reply.contentType.startsWith('application/json')) fail(`content-type ${reply.contentType}`);
  const extra = Object.keys(body).filter((k) => !['statusCode', 'error', 'message', 'errors'].includes(k));
  // A 409 of the ask-and-tell routes says its cause as a word a client branches on.
  const reasonOk = reply.status === 409 && typeof body.reason === 'string' && body.reason !== '';
  if (extra.length && !(extra.length === 1 && extra[0] === 'reason' && reasonOk)) {
    fail(`unexpected keys ${extra.join(', ')}`);
  }
  if (body.statusCode !== reply.status) fail('statusCode differs from the status');
  if (body.error !== STATUS_CODES[reply.status]) fail(`error is not '${STATUS_CODES[reply.status]}'`);
  if (typeof body.message !== 'string' || body.message === '') fail('no message');
  if (body.errors !== undefined) {
    const ok =
      Array.isArray(body.errors) &&
      body.errors.length > 0 &&
      body.errors.every(
        (e: any) =>
          typeof e?.field === 'string' &&
          e.field !== '' &&
          Array.isArray(e.messages) &&
          e.messages.length > 0 &&
          e.messages.every((m: unknown) => typeof m === 'string' && m !== ''),
      );
    if (!ok) fail('errors is not a non-empty list of { field, messages }');
  }
  const fieldless = reply.status === 409 || (reply.status === 404 && expectation.wellFormedRefs);
  if (!fieldless && body.errors === undefined) fail('a 4xx that names no field');
}

/** Statuses answered during the current property, to check that the inputs reach both sides. */
let tally = new Map<number, number>();
function classes(): { ok: number; clientErrors: number } {
  let ok = 0;
  let clientErrors = 0;
  for (const [status, n] of tally) {
    if (status < 400) ok += n;
    else clientErrors += n;
  }
  return { ok, clientErrors };
}

/** Sends, checks the answer, and after a 4xx checks that nothing changed. */
let before = '';
async function exchange(method: string, path: string, out: Outgoing, expectation: Expectation) {
  const reply = await send(method, path, out);
  tally.set(reply.status, (tally.get(reply.status) ?? 0) + 1);
  const what = describeRequest(method, path, out);
  checkReply(reply, expectation, what);
  const after = await snapshot();
  if (reply.status >= 400 && after !== before) {
    throw new Error(
      `${what}\n→ ${reply.status} ${reply.text.slice(0, 300)}\nbut the database or Redis changed`,
    );
  }
  before = after;
  return reply;
}

/** Whether the path's `:id` (and `:number`) are well formed, so a 404 may blame no field. */
function wellFormed(id: string, number?: string): boolean {
  try {
    parseStudyRef(decodeURIComponent(id));
    if (number !== undefined) parseRouteInt('number', decodeURIComponent(number), 0);
    return true;
  } catch {
    return false;
  }
}

// --- generators ----------------------------------------------------------------------------------------

/** Values of the wrong type, out of range, NaN-like, nested, unicode, all digits, null. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, 0.5, 2147483648, 4294967296, 1e-320, -1),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '0x10', '', '  ', 'null', 'true', '123', '007'),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  fc.stringMatching(/^[0-9]{1,12}$/),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
  // Deep nesting: validation walks a body recursively.
  fc.integer({ min: 20, max: 3000 }).map((depth) => {
    let value: unknown = { x: 1 };
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
    return value;
  }),
);

/** Keys a body should not have, or has already (the mutation then replaces it). */
const junkKey = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'name', 'x', '0'),
);

interface Mutation {
  at: number;
  kind: 'replace' | 'delete' | 'add-key';
  value: unknown;
  key: string;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'add-key'),
  value: junk,
  key: junkKey,
});

type Path = Array<string | number>;

/** Every path into a document, down to 12 levels (deep junk is mutated near its top). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null || prefix.length >= 12) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

/** Sets an own property, `__proto__` included (an assignment would set the prototype instead). */
function setOwn(target: any, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The document with the mutations applied, each at one of its nodes (by index over all its paths). */
function mutate(document: unknown, mutations: Mutation[]): unknown {
  let doc = JSON.parse(JSON.stringify(document)) as any;
  for (const m of mutations) {
    const paths = pathsOf(doc);
    if (paths.length === 0) break;
    const path = paths[m.at % paths.length];
    const parent = path.slice(0, -1).reduce((node, k) => node[k], doc);
    const key = path[path.length - 1];
    if (m.kind === 'replace') setOwn(parent, key, m.value);
    else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else {
      const node = parent[key];
      const target = typeof node === 'object' && node !== null && !Array.isArray(node) ? node : parent;
      if (Array.isArray(target)) target.push(m.value);
      else setOwn(target, m.key, m.value);
    }
    doc = JSON.parse(JSON.stringify(doc));
  }
  return doc;
}

const studyName = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_.-]{0,12}$/),
  fc.stringMatching(/^[0-9]{1,6}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
);

const floatParam = fc
  .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }))
  .map(([low, width]) => ({ type: 'float', low, high: low + width }));
const intParam = fc
  .tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }))
  .map(([low, width]) => ({ type: 'int', low, high: low + width }));
const categoricalParam = fc
  .array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null)), {
    minLength: 1,
    maxLength: 4,
  })
  .map((choices) => ({ type: 'categorical', choices }));
const searchSpace = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), { minLength: 1, maxLength: 4 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) => fc.oneof(floatParam, intParam, categoricalParam).map((p) => ({ name, ...p }))),
    ),
  );

/** Definitions built from the DTO's fields, valid more often than not. */
const definition = fc.record(
  {
    name: studyName,
    direction: fc.constantFrom('minimize', 'maximize'),
    objective: fc.oneof(
      fc.record({ builtin: fc.constantFrom('branin', 'quadratic', 'sphere5') }),
      fc.record({ command: fc.constantFrom('shell-quadratic', 'model-select') }),
      fc.record({ module: fc.constant('conditional') }),
    ),
    searchSpace,
    sampler: fc.record({ type: fc.constantFrom('random', 'tpe', 'auto', 'qmc', 'cmaes', 'grid') }),
    pruner: fc.record({ type: fc.constantFrom('none', 'median') }),
    budget: fc.record(
      {
        nTrials: fc.integer({ min: 1, max: 1_000_000 }),
        maxParallel: fc.integer({ min: 1, max: 8 }),
        timeoutSec: fc.integer({ min: 1, max: 3600 }),
      },
      { requiredKeys: ['nTrials'] },
    ),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  },
  { requiredKeys: ['name', 'objective', 'budget'] },
);

/** A body: a mutated definition mostly, else JSON that is no object, or text that is no JSON. */
function bodies(document: fc.Arbitrary<unknown>): fc.Arbitrary<Outgoing> {
  return fc.oneof(
    {
      weight: 10,
      arbitrary: fc
        .tuple(document, fc.array(mutation, { maxLength: 3 }))
        .map(([d, m]) => ({ json: mutate(d, m) })),
    },
    { weight: 1, arbitrary: junk.map((json) => ({ raw: JSON.stringify(json) ?? 'null' })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.string({ maxLength: 20 }),
          fc.constantFrom('{', '{"name":', '[1,', 'nul', '{"a":1}}', '\u0000', ' '),
        )
        .map((raw) => ({ raw })),
    },
  );
}

/** Path segments: huge, negative, hex, exponent, unicode, empty, dots, percent-encoded, names. */
const segment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('2147483647', '2147483648', '99999999999999999999', '1e3', '0x10', '-1', '+1', '01', '0'),
  fc.constantFrom('', '.', '..', '%2e%2e', '%', '%E0%A4%A', '%00', '%2F', '%20', 'a%2Fb', '%C3%A9t%C3%A9'),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.integer({ min: 0, max: 40 }).map(String),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,10}$/),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map(encodeURIComponent),
  // Raw printable ASCII as a client may send it (HTTP allows no space or control character in a path).
  fc.string({ maxLength: 6 }).map((s) => s.replace(/[^\x21-\x7e]|[/?#]/g, '')),
);

// --- the fixtures and the properties -------------------------------------------------------------------

describe(`every 4xx of the API: one shape, a named field, nothing written (fast-check seed ${SEED})`, () => {
  /** The studies the routes are tried on: [id, name]. */
  const fixtures: Array<[number, string]> = [];
  /** Their refs as path segments (ids and names): a DELETE leaves them alone. */
  const fixtureRefs = new Set<string>();

  beforeAll(async () => {
    database = await freshPostgresDatabase('tuneforge_e2e');
    prefix = `tfprop${process.pid}${randomBytes(3).toString('hex')}`;
    const config = loadPlatformConfig({
      TUNEFORGE_ROLE: 'api',
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      TUNEFORGE_QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      PORT: '0',
      TUNEFORGE_OBJECTIVES_DIR: join(ROOT, 'examples', 'objectives'),
    });
    app = await createApiApp(platformModule(config), { logger, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    base = { host: '127.0.0.1', port: (app.getHttpServer().address() as AddressInfo).port };

    pg = new Client({ connectionString: database.url });
    await pg.connect();
    const tables = (
      await pg.query(
        `SELECT table_name AS t FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '%migrations%'
          ORDER BY 1`,
      )
    ).rows.map((r) => r.t as string);
    expect(tables).toEqual(expect.arrayContaining(['studies', 'trials']));
    snapshotSql = tables
      .map(
        (t) =>
          `SELECT '${t}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`,
      )
      .join(' UNION ALL ');
    redis = new Redis({ host: '127.0.0.1', port: 6379 });

    for (const body of [
      { name: 'fixture-branin', objective: { builtin: 'branin' }, budget: { nTrials: 1_000_000 } },
      { name: 'fixture-shell', objective: { command: 'shell-quadratic' }, budget: { nTrials: 1_000_000 } },
      { name: 'fixture-module', objective: { module: 'conditional' }, budget: { nTrials: 1_000_000 } },
    ]) {
      const created = await send('POST', '/studies', { json: body });
      expect(created.status).toBe(201);
      fixtures.push([created.body.id, created.body.name]);
      fixtureRefs.add(String(created.body.id)).add(created.body.name);
    }
    // One finished-looking trial to read: enqueued (WAITING) is enough for the trial routes.
    expect(
      (await send('POST', `/studies/${fixtures[0][0]}/trials`, { json: { params: { x1: 1, x2: 2 } } }))
        .status,
    ).toBe(201);
    before = await snapshot();
  });

  afterAll(async () => {
    agent.destroy();
    await app?.close();
    await pg?.end();
    if (redis) {
      await deleteKeysOfPrefix(redis, prefix);
      await redis.quit();
    }
    await database?.drop();
  });

  beforeEach(() => {
    tally = new Map();
  });

  /** Both accepted and refused inputs were generated (the statuses seen are in the failure message). */
  const expectBothSides = () => {
    const seen = JSON.stringify(Object.fromEntries(tally));
    if (process.env.TUNEFORGE_PROPERTY_VERBOSE) process.stdout.write(`statuses: ${seen}\n`);
    expect({ seen, accepted: classes().ok > 0 }).toEqual({ seen, accepted: true });
    expect({ seen, refused: classes().clientErrors > 0 }).toEqual({ seen, refused: true });
  };

  const runs = (n: number) => ({
    seed: SEED,
    numRuns: Math.max(1, Math.round(n * RUNS)),
    endOnFailure: true,
  });

  it('POST /studies', async () => {
    await fc.assert(
      fc.asyncProperty(bodies(definition), async (out) => {
        await exchange('POST', '/studies', out, { wellFormedRefs: false });
      }),
      runs(1200),
    );
    expectBothSides();
  });

  it('POST /studies/:id/trials', async () => {
    const ref = fc.oneof(fc.constantFrom(...fixtures.flatMap(([id, name]) => [String(id), name])), segment);
    const params = fc.record({
      params: fc.dictionary(
        fc.oneof(fc.constantFrom('x1', 'x2', 'x', 'y', 'model'), junkKey),
        fc.oneof(junk, fc.double({ min: -10, max: 20 })),
        {
          maxKeys: 3,
        },
      ),
    });
    await fc.assert(
      fc.asyncProperty(ref, bodies(params), async (id, out) => {
        await exchange('POST', `/studies/${id}/trials`, out, { wellFormedRefs: wellFormed(id) });
      }),
      runs(600),
    );
    expectBothSides();
  });

  it('every :id and :number route, with generated path segments', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/studies/:id'],
      ['POST', '/studies/:id/stop'],
      ['POST', '/studies/:id/resume'],
      ['DELETE', '/studies/:id'],
      ['GET', '/studies/:id/trials'],
      ['GET', '/studies/:id/trials.csv'],
      ['GET', '/studies/:id/trials/:number'],
      ['POST', '/studies/:id/trials'],
      ['GET', '/studies/:id/plots'],
      ['GET', '/studies/:id/importances'],
      ['GET', '/studies/:id/pareto'],
      ['GET', '/studies/:id/events'],
      ['POST', '/studies/:id/ask'],
      ['POST', '/studies/:id/trials/:number/heartbeat'],
      ['POST', '/studies/:id/trials/:number/suggest'],
      ['POST', '/studies/:id/trials/:number/report'],
      ['POST', '/studies/:id/trials/:number/tell'],
    ];
    // A token that is no lease's: the trial routes answer 409 lease-lost, 404 or 400, never a write.
    const leaseCall: Record<string, unknown> = {
      heartbeat: { token: 'no-such-lease' },
      suggest: { token: 'no-such-lease', name: 'x1', distribution: { type: 'float', low: 0, high: 1 } },
      report: { token: 'no-such-lease', step: 0, value: 1 },
      tell: { token: 'no-such-lease', value: 1 },
    };
    const id = fc.oneof(fc.constantFrom(...fixtures.flatMap(([i, name]) => [String(i), name])), segment);
    const number = fc.oneof(fc.constantFrom('0', '1', '2147483647'), segment);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), id, number, async ([method, route], i, n) => {
        // The fixtures stay: a DELETE is tried on generated segments only.
        if (method === 'DELETE' && (fixtureRefs.has(i) || fixtureRefs.has(safeDecode(i)))) return;
        const path = route.replace(':id', i).replace(':number', n);
        const call = route.split('/').pop()!;
        const out =
          method === 'POST' && route.endsWith('/trials')
            ? { json: { params: {} } }
            : call in leaseCall
              ? { json: leaseCall[call] }
              : route.endsWith('/ask')
                ? { json: {} }
                : {};
        await exchange(method, path, out, {
          // `/studies/x/trials/` (an empty number) is the list route: Express ignores a trailing slash.
          wellFormedRefs: wellFormed(i, route.includes(':number') && n !== '' ? n : undefined),
        });
      }),
      runs(1200),
    );
    expectBothSides();
  });

  it('the query parameters of the trial list and the plots', async () => {
    /** Each parameter with values it takes, so that the checks behind the first one are reached too. */
    const known: Record<string, string[]> = {
      offset: ['0', '1', '5', '2147483647'],
      limit: ['1', '10', '1000'],
      order: ['number', '-number', 'value', '-value'],
      state: ['WAITING', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAIL'],
      objective: ['0', '1', '2', '63'],
    };
    const junkValue = fc.oneof(
      fc.constantFrom('1001', '-1', '0x10', '1e3', '', ' 5', '2147483648', '1e400', 'NaN', 'complete', '0.5'),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
    );
    const pair = fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .constantFrom(...Object.keys(known))
          .chain((k) => fc.tuple(fc.constant(k), fc.constantFrom(...known[k]))),
      },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(known)), junkValue) },
      { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 6 }), junkValue) },
    );
    const query = fc
      .array(pair, { maxLength: 3 })
      .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('trials', 'plots', 'importances'),
        fc.constantFrom(...fixtures.map(([i]) => String(i))),
        query,
        async (route, i, q) => {
          await exchange('GET', `/studies/${i}/${route}?${q}`, {}, { wellFormedRefs: true });
        },
      ),
      runs(400),
    );
    expectBothSides();
  });

  describe('examples', () => {
    const expectFieldError = (reply: Reply, status: number, field: string, message?: RegExp) => {
      checkReply(reply, { wellFormedRefs: false }, `${status} ${field}`);
      expect(reply.status).toBe(status);
      expect(reply.body.errors).toEqual([{ field, messages: [expect.any(String)] }]);
      if (message) expect(reply.body.errors[0].messages[0]).toMatch(message);
    };

    it('a body over 1 MB is a 413 in the one shape naming body; one under it is read', async () => {
      const big = { name: 'x'.repeat(1024 * 1024) };
      expectFieldError(
        await send('POST', '/studies', { json: big }),
        413,
        'body',
        /larger than the 1 MB limit/,
      );
      const under = await send('POST', '/studies', { json: { name: 'x'.repeat(900 * 1024) } });
      expect(under.status).toBe(400);
      // No objective is a client-only study: not a fault.
      expect(under.body.errors.map((e: any) => e.field)).toEqual(['name', 'budget']);
    });

    it.each([
      ['null', /must be a JSON object .* got `null`/],
      ['42', /must be a JSON object .* got `42`/],
      ['"x"', /must be a JSON object .* got `"x"`/],
      ['[1, 2]', /must be a JSON object .* got an array/],
      ['{"name": ', /must be a JSON object .* not valid JSON/],
      ['   ', /must be a JSON object/],
    ])('the body %j is a 400 naming body', async (raw, message) => {
      expectFieldError(await send('POST', '/studies', { raw }), 400, 'body', message);
    });

    it('a body nested thousands of levels deep is a 400 naming its field', async () => {
      const deep = '['.repeat(5000) + ']'.repeat(5000);
      expectFieldError(
        await send('POST', '/studies', { raw: `{"name": "a", "searchSpace": ${deep}}` }),
        400,
        'searchSpace',
        /deeper than the 32 levels/,
      );
      expectFieldError(
        await send('POST', `/studies/${fixtures[0][0]}/trials`, { raw: `{"params": {"x1": ${deep}}}` }),
        400,
        'params',
      );
    });

    it('a POST without a body is a 400 naming body; a body that is not JSON is a 415', async () => {
      expectFieldError(await send('POST', '/studies'), 400, 'body', /got no body/);
      expectFieldError(
        await send('POST', '/studies', {
          raw: 'name=a',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
        'body',
        /Content-Type: application\/x-www-form-urlencoded/,
      );
      expectFieldError(
        await send('POST', '/studies', {
          raw: '{}',
          headers: { 'content-type': 'application/json; charset=latin9' },
        }),
        415,
        'body',
        /charset/,
      );
      expectFieldError(
        await send('POST', '/studies', { raw: 'not gzip', headers: { 'content-encoding': 'gzip' } }),
        400,
        'body',
      );
      const zipped = await send('POST', '/studies', {
        raw: gzipSync(JSON.stringify({ name: 'zipped' })),
        headers: { 'content-encoding': 'gzip' },
      });
      expect(zipped.body.errors.map((e: any) => e.field)).toEqual(['budget']);
    });

    it('field paths name array entries by index, in the DTO checks and in the definition checks alike', async () => {
      const space = (entry: object) => ({
        name: 'paths',
        objective: { command: 'model-select' },
        budget: { nTrials: 5 },
        searchSpace: [{ name: 'a', type: 'float', low: 0, high: 1 }, entry],
      });
      const dto = await send('POST', '/studies', {
        json: space({ name: 'b', type: 'float', low: 'x', high: 1 }),
      });
      expect(dto.body.errors).toEqual([{ field: 'searchSpace.1.low', messages: [expect.any(String)] }]);
      const semantic = await send('POST', '/studies', {
        json: space({ name: 'b', type: 'float', low: 3, high: 1 }),
      });
      expect(semantic.status).toBe(400);
      expect(semantic.body.errors).toEqual([
        { field: 'searchSpace.1.low', messages: [expect.stringMatching(/<= high/)] },
      ]);
      expect(semantic.body.message).toMatch(/^searchSpace\.1\.low: /);
    });

    it('an undecodable :id or :number names it; a path no route matches names path', async () => {
      expectFieldError(await send('GET', '/studies/%E0%A4%A'), 400, 'id');
      expectFieldError(await send('GET', `/studies/${fixtures[0][0]}/trials/%E0`), 400, 'number');
      expectFieldError(await send('DELETE', '/studies/'), 404, 'path', /no route DELETE \/studies\//);
      expectFieldError(await send('GET', '/nothing-here'), 404, 'path');
    });

    it('query parameters are read in decimal digits and named', async () => {
      const id = fixtures[0][0];
      for (const [query, field] of [
        ['offset=0x10', 'offset'],
        ['limit=1e3', 'limit'],
        ['limit=', 'limit'],
        ['offset=2147483648', 'offset'],
        ['order=best', 'order'],
        ['state=complete', 'state'],
        ['bogus=1', 'bogus'],
      ]) {
        expectFieldError(await send('GET', `/studies/${id}/trials?${query}`), 400, field);
      }
      expectFieldError(await send('GET', `/studies/${id}/plots?objective=-1`), 400, 'objective');
      expectFieldError(
        await send('GET', `/studies/${id}/plots?objective=1`),
        400,
        'objective',
        /has 1 objective: give an index from 0 to 0, got 1/,
      );
      expectFieldError(await send('GET', `/studies/${id}/importances?objective=0x1`), 400, 'objective');
      expect(
        (await send('GET', `/studies/${id}/trials?offset=0&limit=1000&order=-value&state=WAITING`)).status,
      ).toBe(200);
    });
  });
});

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
