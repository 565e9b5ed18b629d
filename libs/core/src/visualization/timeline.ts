import { InvalidArgumentError } from '../errors';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { TrialState } from '../trial/trial-state';

/** The system attribute in which the platform's worker records its id on the trials it runs. */
export const WORKER_SYSTEM_ATTR = 'platform:worker';
/** The lane of trials that no worker claimed: an embedded study run in one process. */
export const LOCAL_LANE = 'local';

export interface TimelineOptions {
  /**
   * Where running trials end on the chart, in epoch ms (the core reads no clock: a live view passes its
   * own time). @defaultValue the latest start or completion time among the trials
   */
  readonly now?: number;
}

/** One lane per worker; `slots` rows inside it, so that trials a worker ran at once do not overlap. */
export interface TimelineLane {
  readonly name: string;
  readonly slots: number;
}

export interface TimelineBar {
  readonly number: number;
  readonly state: TrialState;
  /** Index into `lanes`. */
  readonly lane: number;
  /** Row within the lane, from 0. */
  readonly slot: number;
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
  /** Still running: `end` is `now`, not a completion time. */
  readonly running: boolean;
}

export interface TimelineData {
  readonly kind: 'timeline';
  /** In order of each worker's first trial. */
  readonly lanes: readonly TimelineLane[];
  /** In start order. */
  readonly bars: readonly TimelineBar[];
  /** Earliest start and latest end over the bars; null without bars. */
  readonly start: number | null;
  readonly end: number | null;
}

/**
 * A platform client's lease (`client:<name>:<seconds>s:<digest>`, one per asked trial) as its client,
 * `client:<name>`: one lane per client, not one per trial.
 */
const CLIENT_LEASE = /^(client:.*):[0-9]+s:[0-9a-f]{32}$/;

function laneName(trial: FrozenTrial): string {
  const worker = trial.systemAttrs[WORKER_SYSTEM_ATTR];
  if (typeof worker === 'string') return CLIENT_LEASE.exec(worker)?.[1] ?? worker;
  return typeof worker === 'number' ? String(worker) : LOCAL_LANE;
}

/**
 * The timeline (Optuna's `plot_timeline`, by worker): every started trial as a bar from its start to its
 * end, coloured by state, in the lane of the worker that ran it (`platform:worker`), or one local lane
 * for an embedded study. Trials that overlap in a lane (concurrency > 1) are stacked into slots by
 * greedy interval partitioning, which uses the fewest rows possible.
 */
export function timeline(trials: readonly FrozenTrial[], options: TimelineOptions = {}): TimelineData {
  if (options.now !== undefined && !Number.isFinite(options.now)) {
    throw new InvalidArgumentError(`now must be a finite epoch time in ms, got ${options.now}`);
  }
  const started = trials
    .filter((t): t is FrozenTrial & { datetimeStart: number } => t.datetimeStart !== null)
    .sort((a, b) => a.datetimeStart - b.datetimeStart || a.number - b.number);
  let latest = -Infinity;
  for (const t of started) latest = Math.max(latest, t.datetimeStart, t.datetimeComplete ?? -Infinity);
  const now = options.now ?? latest;

  const lanes: { name: string; slotEnds: number[] }[] = [];
  const laneIndex = new Map<string, number>();
  const bars: TimelineBar[] = [];
  for (const t of started) {
    const name = laneName(t);
    let lane = laneIndex.get(name);
    if (lane === undefined) {
      lane = lanes.length;
      laneIndex.set(name, lane);
      lanes.push({ name, slotEnds: [] });
    }
    const running = t.datetimeComplete === null && t.state === 'RUNNING';
    // A finished trial without an end time (imported, or cut short) is drawn as an instant.
    const barEnd = Math.max(t.datetimeStart, t.datetimeComplete ?? (running ? now : t.datetimeStart));
    const ends = lanes[lane].slotEnds;
    let slot = ends.findIndex((e) => e <= t.datetimeStart);
    if (slot < 0) slot = ends.push(barEnd) - 1;
    else ends[slot] = barEnd;
    bars.push({ number: t.number, state: t.state, lane, slot, start: t.datetimeStart, end: barEnd, running });
  }
  // Loops rather than Math.min(...spread): a study can have more trials than a call has arguments.
  let start: number | null = null;
  let end: number | null = null;
  for (const b of bars) {
    start = start === null ? b.start : Math.min(start, b.start);
    end = end === null ? b.end : Math.max(end, b.end);
  }
  return {
    kind: 'timeline',
    lanes: lanes.map((l) => ({ name: l.name, slots: l.slotEnds.length })),
    bars,
    start,
    end,
  };
}
