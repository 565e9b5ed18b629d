import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Storage, TRIAL_STATES } from '@tuneforge/core';
import {
  REFILL_QUEUE,
  STATE_ATTR,
  TRIALS_QUEUE,
  WorkerPoolRegistry,
  type RedisClient,
} from '@tuneforge/platform';
import type { JobState, Queue } from 'bullmq';
import { PlatformConfig } from '../../config/platform-config';
import { InjectRedis } from '../../providers/redis.provider';
import { TrialQueues } from '../../providers/trial-queues';
import {
  LEASE_EXPIRIES,
  PRUNING_DECISIONS,
  TRANSIENT_RETRIES,
  TRIAL_RETRIES,
} from '../../telemetry/metric-definitions';
import { RedisMetrics, type HistogramSample } from '../../telemetry/redis-metrics';
import { renderPrometheusText, type MetricFamily, type MetricSample } from './prometheus-text';

/** BullMQ's job states, each a gauge series per queue. */
const JOB_STATES: readonly JobState[] = [
  'waiting',
  'prioritized',
  'delayed',
  'active',
  'waiting-children',
  'failed',
  'completed',
];

/**
 * Series that exist before their first increment, so that rate() and alerts see a 0, not nothing: each
 * labelled counter's labels (an unlabelled 0 beside them would be a series of its own), `{}` for the others.
 */
const KNOWN_LABELS = new Map([
  [PRUNING_DECISIONS, [{ decision: 'pruned' }, { decision: 'kept' }]],
  [TRIAL_RETRIES, [{ reason: 'lease-expired' }, { reason: 'worker-stopped' }, { reason: 'failed' }]],
  [LEASE_EXPIRIES, [{ outcome: 'requeued' }, { outcome: 'failed' }]],
  [TRANSIENT_RETRIES, [{ dependency: 'database' }]],
]);

/**
 * `/metrics`: what the database and the queues hold now (gauges read at each scrape), and what the
 * worker and scheduler processes have added up in Redis (counters and histograms), so one scrape of
 * any API instance sees the whole deployment.
 */
@Injectable()
export class MetricsService {
  private readonly metrics: RedisMetrics;
  private readonly registry: WorkerPoolRegistry;

  constructor(
    private readonly storage: Storage,
    config: PlatformConfig,
    @InjectRedis() redis: RedisClient,
    @InjectQueue(TRIALS_QUEUE) private readonly trials: Queue,
    @InjectQueue(REFILL_QUEUE) private readonly refills: Queue,
    private readonly queues: TrialQueues,
  ) {
    this.metrics = new RedisMetrics(redis, config.queuePrefix);
    this.registry = new WorkerPoolRegistry(redis, config.queuePrefix);
  }

  /** The job counts of each worker pool's queue (GET /pools lists the same), by queue name. */
  private async poolJobs(): Promise<Array<[string, Record<string, number>]>> {
    const pools = await this.registry.poolQueues();
    return Promise.all(
      pools.map(
        async ({ queue }) =>
          [queue, await this.queues.named(queue).getJobCounts(...JOB_STATES)] as [
            string,
            Record<string, number>,
          ],
      ),
    );
  }

  async render(): Promise<string> {
    const [studies, trialJobs, refillJobs, poolJobs, recorded] = await Promise.all([
      this.storage.listStudies(),
      this.trials.getJobCounts(...JOB_STATES),
      this.refills.getJobCounts(...JOB_STATES),
      this.poolJobs(),
      this.metrics.snapshot(),
    ]);
    const families: MetricFamily[] = [];

    const trialSamples: MetricSample[] = [];
    const studyStates = new Map<string, number>();
    for (const s of studies) {
      for (const state of TRIAL_STATES) {
        trialSamples.push({
          name: 'tuneforge_trials',
          labels: { study_id: String(s.studyId), study: s.studyName, state },
          value: s.trialCounts[state] ?? 0,
        });
      }
      const state = String(s.systemAttrs[STATE_ATTR] ?? 'EMBEDDED');
      studyStates.set(state, (studyStates.get(state) ?? 0) + 1);
    }
    families.push({
      name: 'tuneforge_trials',
      help: 'Trials in the database, by study and state.',
      type: 'gauge',
      samples: trialSamples,
    });
    families.push({
      name: 'tuneforge_studies',
      help: 'Studies in the database, by state (RUNNING, STOPPED, COMPLETED; EMBEDDED for studies not run by the platform).',
      type: 'gauge',
      samples: [...studyStates].map(([state, value]) => ({
        name: 'tuneforge_studies',
        labels: { state },
        value,
      })),
    });
    families.push({
      name: 'tuneforge_queue_jobs',
      help: 'Jobs in the BullMQ queues, by queue and job state (queue depth: waiting + prioritized + delayed).',
      type: 'gauge',
      samples: [
        ...jobSamples(TRIALS_QUEUE, trialJobs),
        ...jobSamples(REFILL_QUEUE, refillJobs),
        ...poolJobs.flatMap(([queue, counts]) => jobSamples(queue, counts)),
      ],
    });

    for (const [counter, samples] of recorded.counters) {
      const series = [...samples];
      for (const labels of KNOWN_LABELS.get(counter) ?? [{}]) {
        if (!series.some((s) => sameLabels(s.labels, labels))) series.push({ labels, value: 0 });
      }
      families.push({
        name: counter.name,
        help: counter.help,
        type: 'counter',
        samples: series.map((s) => ({ name: counter.name, labels: s.labels, value: s.value })),
      });
    }
    for (const [histogram, samples] of recorded.histograms) {
      families.push({
        name: histogram.name,
        help: histogram.help,
        type: 'histogram',
        samples: samples.flatMap((s) => histogramSamples(histogram.name, histogram.buckets, s)),
      });
    }
    return renderPrometheusText(families);
  }
}

function jobSamples(queue: string, counts: Record<string, number>): MetricSample[] {
  return JOB_STATES.map((state) => ({
    name: 'tuneforge_queue_jobs',
    labels: { queue, state },
    value: counts[state] ?? 0,
  }));
}

function histogramSamples(name: string, bounds: readonly number[], s: HistogramSample): MetricSample[] {
  return [
    ...bounds.map((le, i) => ({
      name: `${name}_bucket`,
      labels: { ...s.labels, le: String(le) },
      value: s.buckets[i],
    })),
    { name: `${name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count },
    { name: `${name}_sum`, labels: s.labels, value: s.sum },
    { name: `${name}_count`, labels: s.labels, value: s.count },
  ];
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
