/**
 * Entry point of a module objective's child process (started by module-runner.ts, never imported):
 * `node [--max-old-space-size=N] [--require tsx/cjs | --import tsx] child-entry <module path>`. It loads the module, hands its
 * `objective` a trial whose every call travels to the runner over the trial channel, and sends back how the
 * objective ended. The runner answers with the study's real Trial, so sampling stays define-by-run.
 *
 * Calls block: `suggest*` and `shouldPrune` are synchronous in the Trial API, so the child writes its
 * request and waits in a blocking `readSync` on the channel (a socketpair end that libuv leaves in blocking
 * mode in the child) until the answer line arrives. Only node built-ins and ipc-protocol are imported.
 */
import { readSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  decodeMessage,
  encodeMessage,
  toRemoteError,
  TRIAL_CHANNEL_FD,
  type ChildOutcome,
  type ParentMessage,
  type RemoteError,
  type TrialMethod,
} from './ipc-protocol';

let nextId = 1;
let pending = Buffer.alloc(0);
const chunk = Buffer.alloc(64 * 1024);
// Atomics.wait on a private buffer is a plain sleep, used if the channel ever reports EAGAIN.
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function send(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(TRIAL_CHANNEL_FD, bytes, offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}

function readLine(): string {
  for (;;) {
    const nl = pending.indexOf(0x0a);
    if (nl >= 0) {
      const line = pending.subarray(0, nl).toString('utf8');
      pending = pending.subarray(nl + 1);
      return line;
    }
    let n: number;
    try {
      n = readSync(TRIAL_CHANNEL_FD, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(sleeper, 0, 0, 1);
      continue;
    }
    if (n === 0) throw new Error('The trial channel was closed by the runner.');
    pending = Buffer.concat([pending, chunk.subarray(0, n)]);
  }
}

function rebuild(error: RemoteError): Error {
  const e = new Error(error.message);
  e.name = error.name;
  return e;
}

/** Sends a trial call and blocks until the runner answers; rethrows the runner's error. */
function call(method: TrialMethod, args: unknown[]): unknown {
  const id = nextId++;
  send(encodeMessage({ id, op: 'call', method, args }));
  const answer = decodeMessage(readLine()) as ParentMessage;
  if (answer.id !== id)
    throw new Error(`Trial channel out of step: expected answer ${id}, got ${answer.id}.`);
  if (!answer.ok) throw rebuild(answer.error);
  return answer.value;
}

/** Wraps a blocking call as the Promise the Trial API returns. */
function later(method: TrialMethod, args: unknown[]): Promise<void> {
  try {
    call(method, args);
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
}

const trial = {
  number: Number(process.env.TUNEFORGE_TRIAL_NUMBER),
  trialId: Number(process.env.TUNEFORGE_TRIAL_ID),
  get paramsSoFar() {
    return call('get', ['paramsSoFar']);
  },
  get userAttrs() {
    return call('get', ['userAttrs']);
  },
  get systemAttrs() {
    return call('get', ['systemAttrs']);
  },
  suggestFloat: (name: string, low: number, high: number, options?: object) =>
    call('suggestFloat', [name, low, high, options ?? {}]),
  suggestInt: (name: string, low: number, high: number, options?: object) =>
    call('suggestInt', [name, low, high, options ?? {}]),
  suggestCategorical: (name: string, choices: unknown[]) => call('suggestCategorical', [name, choices]),
  report: (value: number, step: number) => later('report', [value, step]),
  shouldPrune: () => call('shouldPrune', []),
  setUserAttr: (key: string, value: unknown) => later('setUserAttr', [key, value]),
};

// Dynamic import kept out of reach of the CommonJS build, which would turn `import()` into `require()`
// and so refuse ES-module objectives.
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<Record<string, unknown>>;

/**
 * `require` first: with tsx's CommonJS hook it loads .ts/.cts/.js/.cjs at half the start-up cost of tsx's
 * ES-module loader. ES modules (.mjs, .mts, or .js/.ts under "type": "module") go through `import()`.
 */
async function loadModule(path: string): Promise<Record<string, unknown>> {
  if (!/\.m[jt]s$/.test(path)) {
    try {
      return createRequire(path)(path) as Record<string, unknown>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw e;
    }
  }
  return importModule(pathToFileURL(path).href);
}

function findObjective(mod: Record<string, unknown>): ((t: typeof trial) => unknown) | null {
  const fallback = mod.default as Record<string, unknown> | ((t: unknown) => unknown) | undefined;
  const candidate =
    mod.objective ?? (fallback && typeof fallback === 'object' ? fallback.objective : undefined) ?? fallback;
  return typeof candidate === 'function' ? (candidate as (t: typeof trial) => unknown) : null;
}

/** How the objective ended; errors of the objective become outcomes, never exceptions. */
async function runObjective(modulePath: string): Promise<ChildOutcome> {
  let objective: ((t: typeof trial) => unknown) | null;
  try {
    objective = findObjective(await loadModule(modulePath));
  } catch (e) {
    return { kind: 'load-error', error: toRemoteError(e) };
  }
  if (!objective) {
    return {
      kind: 'load-error',
      error: {
        name: 'TypeError',
        message: `${modulePath} exports no objective function (export function objective(trial) { ... }).`,
      },
    };
  }
  try {
    return { kind: 'result', value: await objective(trial) };
  } catch (e) {
    // Matched by name, not class: the module may import TrialPruned from @tuneforge/core, from
    // @tuneforge/sandbox, or define its own, and none of them is this process's copy.
    if (e instanceof Error && e.name === 'TrialPruned') return { kind: 'pruned', message: e.message };
    return { kind: 'error', error: toRemoteError(e) };
  }
}

async function main(): Promise<void> {
  const outcome = await runObjective(process.argv[2]);
  let message: string;
  try {
    message = encodeMessage({ id: nextId++, op: 'done', outcome });
  } catch (e) {
    // A result JSON cannot carry (a BigInt, a cycle) fails the trial like any other objective error.
    message = encodeMessage({
      id: nextId++,
      op: 'done',
      outcome: { kind: 'error', error: toRemoteError(e) },
    });
  }
  send(message);
  // Let the last console output reach the pipes, then end: the objective may leave timers or sockets
  // behind, and the trial is over all the same.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(0)));
}

void main();
