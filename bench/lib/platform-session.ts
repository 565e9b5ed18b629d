/**
 * The distributed platform for a benchmark run: api + scheduler + workers started from the sources on a
 * fresh Postgres database and Redis key prefix (test/support/platform-harness), and the REST calls a
 * benchmark makes on it: create a study, wait for it, read its trials.
 */
import {
  startPlatform,
  type Platform,
  type PlatformOptions,
  type RoleProcess,
} from '../../test/support/platform-harness';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SIGNAL_EXIT: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * Runs `run` on a platform started for it, then stops the platform (processes ended, Redis keys and the
 * database dropped) whether `run` succeeds or throws, and on SIGINT, SIGTERM or SIGHUP (then exits with
 * 128 + the signal's number once the cleanup is done).
 */
export async function withPlatform<T>(
  options: PlatformOptions,
  run: (platform: Platform) => Promise<T>,
): Promise<T> {
  // The platform once started; a start that fails has already stopped what it started.
  const starting = startPlatform(options);
  let stopping: Promise<void> | null = null;
  let signalled: (typeof SIGNALS)[number] | null = null;
  const stopOnce = (): Promise<void> => {
    stopping ??= starting.then(
      (platform) =>
        platform.stop().catch((e: unknown) => {
          process.stderr.write(`cleanup failed: ${(e as Error).message}\n`);
        }),
      () => undefined,
    );
    return stopping;
  };
  const onSignal = (signal: (typeof SIGNALS)[number]) => {
    if (signalled) {
      process.stderr.write(`${signal}: still stopping the platform, please wait\n`);
      return;
    }
    signalled = signal;
    process.stderr.write(`\n${signal}: stopping the platform, dropping its database and Redis keys\n`);
    void stopOnce().then(() => process.exit(SIGNAL_EXIT[signal]));
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    return await run(await starting);
  } finally {
    await stopOnce();
    // Interrupted: whatever `run` threw came from the platform going away, not worth a report.
    if (signalled) process.exit(SIGNAL_EXIT[signalled]);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  }
}

/**
 * Posts a study of the suite's throughput objective ((x - 2)^2, the built-in `quadratic`) without pruning,
 * seed 1, as bench:platform and bench:platform-cpu run it; resolves to its id.
 */
export async function postThroughputStudy(
  platform: Platform,
  study: { name: string; sampler: string; nTrials: number; maxParallel: number },
): Promise<number> {
  const res = await platform.request('/studies', {
    body: {
      name: study.name,
      objective: { builtin: 'quadratic' },
      sampler: { type: study.sampler },
      pruner: { type: 'none' },
      budget: { nTrials: study.nTrials, maxParallel: Math.min(study.nTrials, study.maxParallel) },
      seed: 1,
    },
  });
  if (res.status !== 201) throw new Error(`POST /studies ${study.name}: ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

/** The scheduler's refill-duration histogram (`/metrics`): sum in seconds and count of the refills so far. */
export async function refillMetric(platform: Platform): Promise<{ sum: number; count: number }> {
  const { body } = await platform.request('/metrics');
  const read = (suffix: string) =>
    Number(
      new RegExp(`^tuneforge_scheduler_refill_duration_seconds_${suffix}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(
        String(body),
      )?.[1] ?? 0,
    );
  return { sum: read('sum'), count: read('count') };
}

export type TrialStateName = 'WAITING' | 'RUNNING' | 'COMPLETE' | 'PRUNED' | 'FAIL';

/** A trial as GET /studies/:id/trials returns it (the fields a benchmark reads). */
export interface RestTrial {
  number: number;
  state: TrialStateName;
  values: number[] | null;
  params: Record<string, unknown>;
  systemAttrs: Record<string, unknown>;
  worker: string | null;
  datetimeStart: string | null;
  datetimeComplete: string | null;
}

export interface PlatformStudyRun {
  id: number;
  /** The study as GET /studies/:id returned it at the end (state, definition, counts). */
  study: { state: string; counts: Record<TrialStateName, number>; definition: unknown };
  trials: RestTrial[];
  /** From the POST to the first poll that saw the study leave RUNNING (polled every `pollMs`). */
  wallMs: number;
  /** The study was still RUNNING after the timeout (then it was stopped through the API). */
  timedOut: boolean;
}

function deadProcess(platform: Platform): RoleProcess | undefined {
  return platform.processes.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
}

/**
 * Creates a study through POST /studies and waits until it leaves RUNNING. A role process that dies
 * meanwhile is an error (with its output); a study still running after `timeoutMs` is stopped through
 * POST /studies/:id/stop and returned with `timedOut`.
 */
export async function runPlatformStudy(
  platform: Platform,
  body: Record<string, unknown>,
  options: { timeoutMs: number; pollMs?: number },
): Promise<PlatformStudyRun> {
  const pollMs = options.pollMs ?? 100;
  const started = performance.now();
  const created = await platform.request('/studies', { body });
  if (created.status !== 201) {
    throw new Error(`POST /studies answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  const id = Number(created.body.id);
  let timedOut = false;
  let wallMs: number;
  for (;;) {
    const { status, body: study } = await platform.request(`/studies/${id}`);
    if (status !== 200) throw new Error(`GET /studies/${id} answered ${status}: ${JSON.stringify(study)}`);
    if (study.state !== 'RUNNING') {
      wallMs = performance.now() - started;
      break;
    }
    const dead = deadProcess(platform);
    if (dead) {
      throw new Error(
        `the ${dead.role} process ${dead.workerId} exited during study ${id}:\n${dead.output.join('').slice(-4000)}`,
      );
    }
    if (performance.now() - started > options.timeoutMs) {
      timedOut = true;
      wallMs = performance.now() - started;
      const stop = await platform.request(`/studies/${id}/stop`, { method: 'POST' });
      if (stop.status >= 300) throw new Error(`POST /studies/${id}/stop answered ${stop.status}`);
      // Let the trials in flight end, so that the counts below are final.
      await new Promise((r) => setTimeout(r, 2000));
      break;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const { body: study } = await platform.request(`/studies/${id}`);
  return { id, study, trials: await listTrials(platform, id), wallMs, timedOut };
}

/** Every trial of a study, in number order, page by page. */
export async function listTrials(platform: Platform, id: number): Promise<RestTrial[]> {
  const out: RestTrial[] = [];
  for (;;) {
    const { status, body } = await platform.request(`/studies/${id}/trials?limit=1000&offset=${out.length}`);
    if (status !== 200)
      throw new Error(`GET /studies/${id}/trials answered ${status}: ${JSON.stringify(body)}`);
    out.push(...(body.items as RestTrial[]));
    if (body.items.length === 0 || out.length >= body.total) return out;
  }
}
