import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(240_000);

// A command objective that takes a while, so that a worker can die with trials in flight.
const SLOW_SQUARE = [
  'python3',
  '-c',
  "import json,os,time; p=json.loads(os.environ['TUNEFORGE_PARAMS']); time.sleep(0.4); print('tuneforge:result value=%r' % (p['x'] ** 2))",
];

describe('the platform when a worker dies, and CMA-ES generations', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({
      workers: 2,
      env: { TUNEFORGE_ALLOW_INLINE_COMMANDS: '1', TUNEFORGE_WORKER_CONCURRENCY: '2' },
    });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('loses no trial when a worker is killed with SIGKILL mid-study', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'survivor',
        objective: { inlineCommand: SLOW_SQUARE },
        searchSpace: [{ name: 'x', type: 'float', low: -3, high: 3 }],
        sampler: { type: 'random' },
        pruner: { type: 'none' },
        budget: { nTrials: 24, maxParallel: 4 },
        seed: 5,
      },
    });
    expect(created.status).toBe(201);
    // Wait until the study is under way, then kill a worker that is running a trial.
    let victimId: string | null = null;
    let victimTrials: number[] = [];
    while (victimId === null) {
      const { body: study } = await platform.request(`/studies/${created.body.id}`);
      if (study.counts.COMPLETE >= 6) {
        const { body: running } = await platform.request(`/studies/${created.body.id}/trials?state=RUNNING`);
        victimId = running.items[0]?.worker ?? null;
        victimTrials = running.items
          .filter((t: { worker: string }) => t.worker === victimId)
          .map((t: { number: number }) => t.number);
      }
      if (victimId === null) await new Promise((r) => setTimeout(r, 50));
    }
    const victim = platform.processes.find((p) => p.workerId === victimId)!;
    victim.child.kill('SIGKILL');

    const study = await waitForStudy(platform, created.body.id, 120_000);
    expect(study.state).toBe('COMPLETED');
    const { body: page } = await platform.request(`/studies/${study.id}/trials?limit=100`);
    expect(page.items.map((t: { number: number }) => t.number)).toEqual(
      Array.from({ length: 24 }, (_, i) => i),
    );
    expect(page.items.every((t: { state: string }) => ['COMPLETE', 'FAIL'].includes(t.state))).toBe(true);
    // The trials the killed worker was running either finished before the kill landed or were run again
    // by the survivor (one retry by default): either way COMPLETE. Which of the two happens is a matter of
    // milliseconds, so the test asserts only what holds in both cases.
    const byNumber = new Map(page.items.map((t: { number: number }) => [t.number, t]));
    for (const n of victimTrials) expect(byNumber.get(n)).toMatchObject({ state: 'COMPLETE' });
    const rerun = page.items.filter(
      (t: { systemAttrs: Record<string, unknown> }) => t.systemAttrs['platform:attempt'] === 2,
    );
    expect(rerun.every((t: { state: string }) => t.state === 'COMPLETE')).toBe(true);
    // A re-run is the survivor's: its worker and start time are the second attempt's, not the dead worker's.
    expect(rerun.every((t: { worker: string }) => t.worker !== victimId)).toBe(true);
  });

  it('runs CMA-ES generation by generation', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'cma-generations',
        objective: { builtin: 'sphere5' },
        sampler: { type: 'cmaes' },
        pruner: { type: 'none' },
        budget: { nTrials: 33, maxParallel: 4 },
        seed: 2,
      },
    });
    expect(created.status).toBe(201);
    const study = await waitForStudy(platform, created.body.id, 120_000);
    expect(study.state).toBe('COMPLETED');
    const { body: page } = await platform.request(`/studies/${study.id}/trials?limit=100`);
    const generationOf = (t: { systemAttrs: Record<string, unknown> }) => t.systemAttrs['cma:generation'];
    const byGeneration = new Map<unknown, number[]>();
    for (const t of page.items) {
      if (generationOf(t) === undefined) continue;
      byGeneration.set(generationOf(t), [...(byGeneration.get(generationOf(t)) ?? []), t.number]);
    }
    const generations = [...byGeneration.values()];
    expect(generations.length).toBeGreaterThanOrEqual(3);
    // Each generation is a block of consecutive numbers, in order. sphere5: λ = 4 + floor(ln 5) = 5 (our
    // default); the scheduler keeps at most maxParallel = 4 members in flight and asks none of the next
    // generation before the open one is complete. CMA-ES closes a generation at whole rounds of the
    // parallelism its members saw (closeTarget): 4 when they were asked 4 at once, λ = 5 when a round was
    // cut short (e.g. a member that finished between the refill's count and its read of the history counts
    // as in flight, so the round is asked 3 at once) — which one depends on timing. Every generation but
    // the first (which also takes the members asked while no trial was COMPLETE) and the last (cut by the
    // budget) has 4 or 5 members, never more: no member beyond what closes it.
    for (const numbers of generations) {
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => numbers[0] + i));
    }
    expect(generations.flat()).toEqual([...generations.flat()].sort((a, b) => a - b));
    expect(generations[0].length).toBeGreaterThanOrEqual(4);
    for (const numbers of generations.slice(1, -1)) expect([4, 5]).toContain(numbers.length);
  });
});
