import { TuneforgeApiError, type FieldError } from './errors';
import { RemoteStudy } from './remote-study';
import { SyncHttp } from './sync-http';
import type { StudyDefinition, StudyRecord } from './types';

export interface TuneforgeClientOptions {
  /** The api's base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** The platform's API token (TUNEFORGE_API_TOKEN); null when the platform runs without one. @defaultValue null */
  token?: string | null;
  /** Milliseconds a request may take before it fails. @defaultValue 30000 */
  timeoutMs?: number;
}

/** A request's answer: its status and its JSON body. */
export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

/**
 * The platform's REST api for ask-and-tell clients. `createStudy` / `loadStudy` give a RemoteStudy,
 * whose `ask`, `tell` and `optimize` run trials here while the platform's sampler and pruner decide.
 */
export class TuneforgeClient {
  readonly url: string;
  private readonly token: string | null;
  readonly timeoutMs: number;
  private readonly sync = new SyncHttp();

  constructor(options: TuneforgeClientOptions) {
    if (!options || typeof options.url !== 'string' || !/^https?:\/\//.test(options.url)) {
      throw new TypeError(`url must be an http(s) URL, got ${JSON.stringify(options?.url)}`);
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new RangeError(`timeoutMs must be an integer >= 1, got ${timeoutMs}`);
    }
    this.url = options.url.replace(/\/+$/, '');
    this.token = options.token ?? null;
    this.timeoutMs = timeoutMs;
  }

  /** Creates the study (or gets it: the same definition under the same name answers the existing one). */
  async createStudy(definition: StudyDefinition): Promise<RemoteStudy> {
    const { body } = await this.request<StudyRecord>('POST', '/studies', definition);
    return new RemoteStudy(this, body);
  }

  /** A study by name or id. */
  async loadStudy(nameOrId: string | number): Promise<RemoteStudy> {
    const { body } = await this.request<StudyRecord>(
      'GET',
      `/studies/${encodeURIComponent(String(nameOrId))}`,
    );
    return new RemoteStudy(this, body);
  }

  /** Ends the thread of synchronous calls (suggest). Idempotent. */
  close(): Promise<void> {
    return this.sync.close();
  }

  /** @internal An api call; an error answer is thrown as TuneforgeApiError. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    let res: Response;
    try {
      res = await fetch(this.url + path, {
        ...this.init(method, body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw unreachable(this.url, e);
    }
    return answer<T>(res.status, await res.text());
  }

  /** @internal The same, blocking the calling thread (the Trial API's synchronous `suggest*`). */
  requestSync<T = unknown>(method: string, path: string, body?: unknown): ApiAnswer<T> {
    const got = this.sync.request(this.url + path, this.init(method, body), this.timeoutMs);
    if ('error' in got) throw unreachable(this.url, new Error(got.error));
    return answer<T>(got.status, got.text);
  }

  private init(method: string, body?: unknown) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
  }
}

function unreachable(url: string, e: unknown): TuneforgeApiError {
  const why = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
  return new TuneforgeApiError(0, `The Tuneforge api at ${url} did not answer: ${why}`);
}

function answer<T>(status: number, text: string): ApiAnswer<T> {
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: kept as text for the message
  }
  if (status >= 400) {
    const error = (typeof body === 'object' && body !== null ? body : {}) as {
      message?: unknown;
      reason?: unknown;
      errors?: unknown;
    };
    const message = typeof error.message === 'string' ? error.message : text;
    const reason = typeof error.reason === 'string' ? error.reason : null;
    const errors = Array.isArray(error.errors) ? (error.errors as FieldError[]) : [];
    throw new TuneforgeApiError(status, message, reason, errors);
  }
  return { status, body: body as T };
}
