/**
 * A constrained two-objective study through the running platform: an inline command prints two values and
 * its constraints (`tuneforge:result values=… constraints=…`), NSGA-II samples, and GET /studies/:id/pareto
 * answers the feasible non-dominated trials with the exact hypervolume of their points.
 */
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';
import { bruteForceHypervolume, dominates2d } from './support/brute-force-hypervolume';

jest.setTimeout(240_000);

interface TrialBody {
  number: number;
  state: string;
  values: number[] | null;
  systemAttrs: Record<string, unknown>;
}

/**
 * f1 = x, f2 = 1 - sqrt(x) + y (both minimized; ZDT1's shape); constraint 0: x >= 0.2 (0.2 - x <= 0);
 * constraint 1 fails on every fourth trial (0, 4, 8), so that the study has infeasible trials whatever
 * the sampler draws.
 */
const OBJECTIVE = [
  'const p = JSON.parse(process.env.TUNEFORGE_PARAMS);',
  'const n = Number(process.env.TUNEFORGE_TRIAL_NUMBER);',
  'const f1 = p.x, f2 = 1 - Math.sqrt(p.x) + p.y;',
  'console.log(`tuneforge:result values=${f1},${f2} constraints=${0.2 - p.x},${n % 4 === 0 ? 1 : -1}`);',
].join('\n');

const feasible = (t: TrialBody) => (t.systemAttrs.constraints as number[]).every((c) => c <= 0);

describe('GET /studies/:id/pareto', () => {
  let platform: Platform;
  let id: number;
  let trials: TrialBody[];

  beforeAll(async () => {
    platform = await startPlatform({ workers: 2, env: { TUNEFORGE_ALLOW_INLINE_COMMANDS: '1' } });
    const created = await platform.request('/studies', {
      body: {
        name: 'constrained-zdt',
        directions: ['minimize', 'minimize'],
        objective: { inlineCommand: ['node', '-e', OBJECTIVE] },
        searchSpace: [
          { name: 'x', type: 'float', low: 0, high: 1 },
          { name: 'y', type: 'float', low: 0, high: 1 },
        ],
        sampler: { type: 'nsga2', options: { populationSize: 4 } },
        seed: 7,
        budget: { nTrials: 10, maxParallel: 2 },
      },
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    const done = await waitForStudy(platform, id, 120_000);
    expect(done.state).toBe('COMPLETED');
    trials = (await platform.request(`/studies/${id}/trials?limit=1000`)).body.items;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('runs the study to the end, each trial with the constraints its command printed', () => {
    expect(trials).toHaveLength(10);
    for (const t of trials) {
      expect(t.state).toBe('COMPLETE');
      // f1 is x, and f2 = 1 - sqrt(x) + y with y in [0, 1].
      const base = 1 - Math.sqrt(t.values![0]);
      expect(t.values![1]).toBeGreaterThanOrEqual(base - 1e-12);
      expect(t.values![1]).toBeLessThanOrEqual(base + 1 + 1e-12);
      expect(t.systemAttrs.constraints).toEqual([0.2 - t.values![0], t.number % 4 === 0 ? 1 : -1]);
    }
  });

  it('answers the feasible non-dominated trials and the exact hypervolume for ?ref=', async () => {
    const res = await platform.request(`/studies/${id}/pareto?ref=1.5,2.5`);
    expect(res.status).toBe(200);
    const ok = trials.filter(feasible);
    const front = ok.filter((t) => !ok.some((o) => dominates2d(o.values!, t.values!)));
    expect(front.length).toBeGreaterThan(0);
    expect(res.body).toMatchObject({
      id,
      directions: ['minimize', 'minimize'],
      infeasible: trials.length - ok.length,
      referencePoint: [1.5, 2.5],
      referencePointSource: 'query',
    });
    expect(res.body.infeasible).toBeGreaterThanOrEqual(3); // trials 0, 4 and 8 at least
    expect(res.body.referencePointRule).toBeUndefined();
    expect((res.body.trials as TrialBody[]).map((t) => t.number)).toEqual(front.map((t) => t.number));
    for (const t of res.body.trials as TrialBody[]) expect(feasible(t)).toBe(true);
    const exact = bruteForceHypervolume(
      front.map((t) => t.values!),
      [1.5, 2.5],
    );
    expect(res.body.hypervolume).toBeCloseTo(exact, 12);
    // GET /studies/:id shows the same front.
    const study = await platform.request(`/studies/${id}`);
    expect((study.body.paretoFront as TrialBody[]).map((t) => t.number)).toEqual(front.map((t) => t.number));
  });

  it('uses the default reference point when none is given, and says which it is', async () => {
    // By name: routes take a study by id or by name.
    const res = await platform.request('/studies/constrained-zdt/pareto');
    expect(res.status).toBe(200);
    const column = (i: number) => trials.map((t) => t.values![i]);
    const ref = [0, 1].map((i) => {
      const [lo, hi] = [Math.min(...column(i)), Math.max(...column(i))];
      return hi + 0.1 * (hi - lo);
    });
    expect(res.body.referencePointSource).toBe('default');
    expect(res.body.referencePointRule).toMatch(/worst value of each objective over the COMPLETE trials/);
    expect(res.body.referencePoint[0]).toBeCloseTo(ref[0], 12);
    expect(res.body.referencePoint[1]).toBeCloseTo(ref[1], 12);
    const ok = trials.filter(feasible);
    const front = ok.filter((t) => !ok.some((o) => dominates2d(o.values!, t.values!)));
    expect(res.body.hypervolume).toBeCloseTo(
      bruteForceHypervolume(
        front.map((t) => t.values!),
        res.body.referencePoint,
      ),
      12,
    );
  });

  it.each([
    ['1', /give 2 numbers separated by commas .*: 1 given/],
    ['1,2,3', /: 3 given/],
    ['1,abc', /"abc" is not a finite decimal number/],
    ['1,0x10', /"0x10" is not a finite decimal number/],
    ['', /"" is not a finite decimal number/],
  ])('refuses ?ref=%s with a 400 naming ref', async (ref, message) => {
    const res = await platform.request(`/studies/${id}/pareto?ref=${encodeURIComponent(ref)}`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'ref', messages: [expect.stringMatching(message)] }]);
    expect(res.body.message).toMatch(/^ref: /);
  });

  it('refuses a repeated ref, an unknown query parameter, and a single-objective study (409), whose best is feasible', async () => {
    const twice = await platform.request(`/studies/${id}/pareto?ref=1,2&ref=3,4`);
    expect([twice.status, twice.body.errors?.[0]?.field]).toEqual([400, 'ref']);
    const unknown = await platform.request(`/studies/${id}/pareto?reference=1,2`);
    expect([unknown.status, unknown.body.errors?.[0]?.field]).toEqual([400, 'reference']);
    const single = await platform.request('/studies', {
      body: {
        name: 'single',
        // Later trials have better values, but trials 2 and 3 break their constraint.
        objective: {
          inlineCommand: [
            'sh',
            '-c',
            'n=$TUNEFORGE_TRIAL_NUMBER; c=-1; [ "$n" -ge 2 ] && c=1; echo "tuneforge:result value=-$n constraints=$c"',
          ],
        },
        searchSpace: [{ name: 'x', type: 'float', low: 0, high: 1 }],
        sampler: { type: 'random' },
        budget: { nTrials: 4, maxParallel: 2 },
      },
    });
    expect(single.status).toBe(201);
    // GET /studies/:id ranks feasible trials first, as the library's bestTrial.
    const done = await waitForStudy(platform, single.body.id, 60_000);
    expect([done.state, done.counts.COMPLETE, done.best.number]).toEqual(['COMPLETED', 4, 1]);
    const res = await platform.request(`/studies/${single.body.id}/pareto`);
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringMatching(/has one objective: it has a best trial, not a Pareto front/),
    });
    expect((await platform.request('/studies/999999/pareto')).status).toBe(404);
  });
});
