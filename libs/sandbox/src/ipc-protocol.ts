/**
 * The trial channel between a module objective's child process and the runner: newline-delimited JSON on
 * fd 3 (a socketpair, both directions). The child sends one request and blocks until the answer, because
 * `suggest*` and `shouldPrune` are synchronous in the Trial API. Imported by the child, so it depends on
 * nothing but the language.
 */

/** The child's end of the channel. */
export const TRIAL_CHANNEL_FD = 3;

/** Trial methods the child may call; anything else is a protocol error. */
export const TRIAL_METHODS = [
  'suggestFloat',
  'suggestInt',
  'suggestCategorical',
  'report',
  'shouldPrune',
  'setUserAttr',
  'get',
] as const;
export type TrialMethod = (typeof TRIAL_METHODS)[number];

/** Trial properties readable through `get`. */
export const TRIAL_PROPERTIES = ['paramsSoFar', 'userAttrs', 'systemAttrs'] as const;
export type TrialProperty = (typeof TRIAL_PROPERTIES)[number];

export interface RemoteError {
  name: string;
  message: string;
  stack?: string;
}

export type ChildMessage =
  | { id: number; op: 'call'; method: TrialMethod; args: unknown[] }
  | { id: number; op: 'done'; outcome: ChildOutcome };

export type ChildOutcome =
  /** `value`: what the objective returned (a number, an array, or `{ values, constraints }`), checked by the runner. */
  | { kind: 'result'; value: unknown }
  | { kind: 'pruned'; message: string }
  | { kind: 'error'; error: RemoteError }
  | { kind: 'load-error'; error: RemoteError };

export type ParentMessage =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: RemoteError };

// JSON has no NaN or Infinity, but objectives may report or return them (the study decides what they mean).
const NON_FINITE_TAG = '$tuneforge:number';

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { [NON_FINITE_TAG]: String(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === NON_FINITE_TAG)
      return Number((value as Record<string, string>)[NON_FINITE_TAG]);
  }
  return value;
}

/** One message as a line (NaN and ±Infinity survive the trip). */
export function encodeMessage(message: ChildMessage | ParentMessage): string {
  return `${JSON.stringify(message, replacer)}\n`;
}

export function decodeMessage(line: string): unknown {
  return JSON.parse(line, reviver);
}

/** An error as data, for the other side to rethrow with the same name and message. */
export function toRemoteError(e: unknown): RemoteError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: typeof e === 'string' ? e : (JSON.stringify(e) ?? String(e)) };
}
