import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** What a request answered: its status and body text, or why it could not be sent. */
export type SyncAnswer = { status: number; text: string } | { error: string };

// The request runs in a worker thread (fetch is asynchronous); the caller's thread sleeps on a shared
// cell until the answer is posted, then takes it off the port synchronously.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ cell, port, url, init }) => {
  let answer;
  try {
    const res = await fetch(url, init);
    answer = { status: res.status, text: await res.text() };
  } catch (e) {
    answer = { error: String((e && e.cause && e.cause.message) || (e && e.message) || e) };
  }
  port.postMessage(answer);
  port.close();
  Atomics.store(cell, 0, 1);
  Atomics.notify(cell, 0);
});`;

/**
 * Blocking HTTP for the calls the library's Trial API makes synchronous (`suggestFloat` and its
 * siblings return a value, not a promise): an objective written for the library runs unchanged.
 * The caller's event loop waits for the answer (at most `timeoutMs`), so the call is kept short.
 */
export class SyncHttp {
  private worker: Worker | null = null;

  request(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
    timeoutMs: number,
  ): SyncAnswer {
    this.worker ??= this.start();
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ cell, port: port2, url, init }, [port2]);
    const waited = Atomics.wait(cell, 0, 0, timeoutMs);
    const received = receiveMessageOnPort(port1);
    port1.close();
    if (waited === 'timed-out' || !received) return { error: `no answer within ${timeoutMs} ms` };
    return received.message as SyncAnswer;
  }

  /** Ends the worker thread (idempotent). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // The thread never keeps the process alive on its own.
    worker.unref();
    return worker;
  }
}
