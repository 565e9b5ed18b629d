import type { StudyEvent } from '@tuneforge/platform';
import { authHeaders } from './api';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'closed';

export interface LiveHandlers {
  /** The stream listens: reload what is shown, so that nothing finished in between is missed. */
  onReady(): void;
  onEvent(event: StudyEvent): void;
  onStatus(status: LiveStatus): void;
}

interface SseMessage {
  event: string;
  data: string;
  retry: number | null;
}

/** Splits a text/event-stream body into messages (the WHATWG format: fields, blank line between). */
async function readMessages(body: ReadableStream<Uint8Array>, onMessage: (m: SseMessage) => void) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message: SseMessage = { event: 'message', data: '', retry: null };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') message.event = text;
        else if (field === 'data') data.push(text);
        else if (field === 'retry' && /^\d+$/.test(text)) message.retry = Number(text);
      }
      message.data = data.join('\n');
      onMessage(message);
    }
  }
}

/**
 * Follows `GET /studies/:id/events`. Read with fetch rather than EventSource, which cannot send the
 * Authorization header that a deployment with TUNEFORGE_PUBLIC_READ=0 needs; reconnects like
 * EventSource does. Returns the function that closes the stream.
 */
export function followStudy(studyId: number, handlers: LiveHandlers): () => void {
  let closed = false;
  let controller: AbortController | null = null;
  let retryMs = 2000;

  const run = async () => {
    while (!closed) {
      controller = new AbortController();
      try {
        const res = await fetch(`/studies/${studyId}/events`, {
          headers: authHeaders({ accept: 'text/event-stream' }),
          signal: controller.signal,
          cache: 'no-store',
        });
        if (res.status === 401) {
          handlers.onStatus('unauthorized');
          return;
        }
        if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
        await readMessages(res.body, (m) => {
          if (m.retry !== null) retryMs = m.retry;
          if (m.event === 'ready') {
            handlers.onStatus('live');
            handlers.onReady();
          } else if (m.event === 'trial-finished' || m.event === 'study-state') {
            handlers.onEvent(JSON.parse(m.data) as StudyEvent);
          }
        });
      } catch {
        // Dropped, refused or aborted: the loop decides whether to try again.
      }
      if (closed) break;
      handlers.onStatus('reconnecting');
      await new Promise((r) => setTimeout(r, retryMs));
    }
    handlers.onStatus('closed');
  };
  handlers.onStatus('connecting');
  void run();
  return () => {
    closed = true;
    controller?.abort();
  };
}
