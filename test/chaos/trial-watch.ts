/**
 * Watches a study's trials straight in Postgres (every 100 ms), so that progress is seen while the API or
 * Redis is down; during a Postgres outage the last snapshot stays and polling resumes when it is back.
 */
import { Client } from 'pg';

export const TERMINAL = ['COMPLETE', 'PRUNED', 'FAIL'];

export interface TrialRow {
  number: number;
  state: string;
  worker: string | null;
  attempt: number;
  /** ms since the epoch */
  start: number | null;
  complete: number | null;
}

export class TrialWatch {
  rows: TrialRow[] = [];
  /** When the snapshot last changed (a trial was created or changed state), ms since the epoch. */
  lastChange = Date.now();
  private client: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private signature = '';

  constructor(
    private readonly databaseUrl: string,
    private studyId: number | null = null,
  ) {}

  watch(studyId: number): void {
    this.studyId = studyId;
    this.lastChange = Date.now();
    this.timer ??= setInterval(() => void this.poll(), 100);
  }

  count(state: string): number {
    return this.rows.filter((r) => r.state === state).length;
  }

  /** Reads the trials once now (also used for the final check). */
  async poll(): Promise<TrialRow[]> {
    if (this.studyId === null || this.polling) return this.rows;
    this.polling = true;
    try {
      if (!this.client) {
        const client = new Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 1000 });
        client.on('error', () => undefined);
        await client.connect();
        this.client = client;
      }
      const { rows } = await this.client.query(
        `SELECT number, state, worker_id, system_attrs, attempt, datetime_start, datetime_complete
           FROM trials WHERE study_id = $1 ORDER BY number`,
        [this.studyId],
      );
      this.rows = rows.map((r) => ({
        number: r.number,
        state: r.state,
        worker: r.worker_id ?? safeJson(r.system_attrs)['platform:worker'] ?? null,
        attempt: r.attempt,
        start: r.datetime_start === null ? null : Number(r.datetime_start),
        complete: r.datetime_complete === null ? null : Number(r.datetime_complete),
      }));
      const signature = this.rows.map((r) => `${r.number}${r.state}${r.attempt}`).join(',');
      if (signature !== this.signature) {
        this.signature = signature;
        this.lastChange = Date.now();
      }
    } catch {
      // The database is down or restarting: reconnect at the next poll.
      const client = this.client;
      this.client = null;
      await client?.end().catch(() => undefined);
    } finally {
      this.polling = false;
    }
    return this.rows;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.polling) await new Promise((r) => setTimeout(r, 20));
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}

function safeJson(text: string | null): Record<string, any> {
  try {
    return JSON.parse(text ?? '{}');
  } catch {
    return {};
  }
}

/** "3 RUNNING (#12 worker-2, #14 worker-2, …), 2 WAITING (#20, #21)": the trials not yet finished. */
export function describeUnfinished(rows: readonly TrialRow[]): string {
  const byState = new Map<string, TrialRow[]>();
  for (const r of rows) {
    if (TERMINAL.includes(r.state)) continue;
    byState.set(r.state, [...(byState.get(r.state) ?? []), r]);
  }
  return [...byState]
    .map(([state, list]) => {
      const shown = list
        .slice(0, 12)
        .map(
          (r) =>
            `#${r.number}${r.worker ? ` ${r.worker}` : ''}${r.attempt > 1 ? ` attempt ${r.attempt}` : ''}`,
        );
      return `${list.length} ${state} (${shown.join(', ')}${list.length > 12 ? ', …' : ''})`;
    })
    .join(', ');
}
