import { RedisKeys, type RedisClient } from '@tuneforge/platform';
import { GatheredSends } from './gathered-sends';
import { COUNTERS, HISTOGRAMS, type CounterDefinition, type HistogramDefinition } from './metric-definitions';

export type Labels = Readonly<Record<string, string>>;

export interface CounterSample {
  readonly labels: Labels;
  readonly value: number;
}

export interface HistogramSample {
  readonly labels: Labels;
  /** Cumulative counts, one per bound of the definition's `buckets` (the `le` buckets without `+Inf`). */
  readonly buckets: readonly number[];
  /** Every observation: the `+Inf` bucket. */
  readonly count: number;
  readonly sum: number;
}

export interface MetricsSnapshot {
  readonly counters: ReadonlyMap<CounterDefinition, readonly CounterSample[]>;
  readonly histograms: ReadonlyMap<HistogramDefinition, readonly HistogramSample[]>;
}

/** Increments gathered for one write: key → field → amount. */
interface MetricsBatch {
  int: Map<string, Map<string, number>>;
  float: Map<string, Map<string, number>>;
}

// A label set as a hash field: JSON of the sorted pairs, so one set always gives the same field. JSON
// escapes tabs, so a tab separates the label set from a histogram's part.
const labelField = (labels: Labels) =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const parseLabels = (field: string): Labels =>
  Object.fromEntries(JSON.parse(field) as Array<[string, string]>);

/**
 * Counters and histograms that several processes add to: one Redis hash per metric under the
 * deployment's prefix (`<prefix>:{<prefix>:metrics}:<name>`), updated with HINCRBY, so every worker and scheduler
 * adds to the same figures and the API reads them in one round trip. A histogram keeps one count per
 * bucket (not cumulative: an observation increments one field), its count and its sum, all changed in
 * one MULTI so that a scrape never sees them disagree.
 */
export class RedisMetrics {
  private readonly keys: RedisKeys;
  /** The increments not sent yet. */
  private readonly writes = new GatheredSends<MetricsBatch>(
    () => ({ int: new Map(), float: new Map() }),
    (batch) => this.write(batch),
  );

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  key(metric: CounterDefinition | HistogramDefinition): string {
    return this.keys.metric(metric.name);
  }

  increment(counter: CounterDefinition, labels: Labels = {}, by = 1): Promise<void> {
    return this.add(this.key(counter), labelField(labels), by);
  }

  observe(histogram: HistogramDefinition, value: number, labels: Labels = {}): Promise<void> {
    if (!Number.isFinite(value)) return Promise.resolve();
    const key = this.key(histogram);
    const series = labelField(labels);
    const bucket = histogram.buckets.findIndex((bound) => value <= bound);
    // Added together, so they go out in one batch (one MULTI).
    if (bucket >= 0) void this.add(key, `${series}\t${histogram.buckets[bucket]}`, 1);
    void this.add(key, `${series}\tcount`, 1);
    return this.add(key, `${series}\tsum`, value, 'float');
  }

  /**
   * Adds `by` to a hash field in the batch being gathered, and resolves once that batch is written. A batch
   * goes out, as one MULTI of the sums per field, when the one before it has been answered: while a write is
   * on its way, the increments of every trial that finishes meanwhile join the next one, so that a busy
   * worker sends a few writes a second instead of one per trial, and a quiet one still writes at once.
   */
  private add(key: string, field: string, by: number, kind: 'int' | 'float' = 'int'): Promise<void> {
    const { batch, sent } = this.writes.current();
    let fields = batch[kind].get(key);
    if (!fields) batch[kind].set(key, (fields = new Map()));
    fields.set(field, (fields.get(field) ?? 0) + by);
    return sent;
  }

  private async write(batch: MetricsBatch): Promise<void> {
    // Every metric key carries the deployment's hash tag: one slot, so one MULTI on a Redis Cluster too.
    const multi = this.redis.multi();
    for (const [key, fields] of batch.int) for (const [field, by] of fields) multi.hincrby(key, field, by);
    for (const [key, fields] of batch.float) {
      for (const [field, by] of fields) multi.hincrbyfloat(key, field, by);
    }
    await multi.exec();
  }

  /** Every counter and histogram series recorded so far. */
  async snapshot(): Promise<MetricsSnapshot> {
    const pipe = this.redis.pipeline();
    for (const metric of [...COUNTERS, ...HISTOGRAMS]) pipe.hgetall(this.key(metric));
    const replies = (await pipe.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
    const hashes = replies.map(([, hash]) => hash as Record<string, string>);
    const counters = new Map<CounterDefinition, CounterSample[]>();
    COUNTERS.forEach((counter, i) => {
      const samples = Object.entries(hashes[i]).map(([field, value]) => ({
        labels: parseLabels(field),
        value: Number(value),
      }));
      counters.set(counter, samples);
    });
    const histograms = new Map<HistogramDefinition, HistogramSample[]>();
    HISTOGRAMS.forEach((histogram, i) => {
      histograms.set(histogram, histogramSamples(histogram, hashes[COUNTERS.length + i]));
    });
    return { counters, histograms };
  }
}

function histogramSamples(histogram: HistogramDefinition, hash: Record<string, string>): HistogramSample[] {
  const bySeries = new Map<string, Record<string, number>>();
  for (const [field, value] of Object.entries(hash)) {
    const tab = field.lastIndexOf('\t');
    const series = field.slice(0, tab);
    const parts = bySeries.get(series) ?? {};
    parts[field.slice(tab + 1)] = Number(value);
    bySeries.set(series, parts);
  }
  return [...bySeries].map(([series, parts]) => {
    let cumulative = 0;
    const buckets = histogram.buckets.map((bound) => (cumulative += parts[String(bound)] ?? 0));
    return { labels: parseLabels(series), buckets, count: parts.count ?? 0, sum: parts.sum ?? 0 };
  });
}
