/**
 * A constrained two-objective study end to end, as a user runs one: Binh–Korn submitted through REST
 * (an inline command prints both objectives and both constraints), run by two workers on the real
 * platform (Postgres, Redis), and followed on the dashboard in headless Chromium, whose study page draws
 * the feasible Pareto front with the infeasible trials in a legend entry of their own and the
 * hypervolume history. The charts are checked by what ECharts holds after drawing (each chart box's
 * `data-series`), against what GET /studies/:id/pareto and /trials answer; no pixel is compared.
 */
import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { dashboardBuildState, viteBuild } from '../scripts/lib/dashboard-build';
import { launchChromium, type HeadlessChromium } from './support/chromium';
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');

/**
 * Binh and Korn (1997): minimize f1 = 4x² + 4y² and f2 = (x - 5)² + (y - 5)², x in [0, 5], y in [0, 3],
 * subject to (x - 5)² + y² ≤ 25 and (x - 8)² + (y + 3)² ≥ 7.7, printed as constraints ≤ 0.
 */
const BINH_KORN = [
  'const { x, y } = JSON.parse(process.env.TUNEFORGE_PARAMS);',
  'const f1 = 4 * x * x + 4 * y * y, f2 = (x - 5) ** 2 + (y - 5) ** 2;',
  'const c1 = (x - 5) ** 2 + y * y - 25, c2 = 7.7 - (x - 8) ** 2 - (y + 3) ** 2;',
  'console.log(`tuneforge:result values=${f1},${f2} constraints=${c1},${c2}`);',
].join('\n');

const N_TRIALS = 16;

interface TrialBody {
  number: number;
  state: string;
  values: number[] | null;
  systemAttrs: { constraints?: number[] };
}

interface SeriesSummary {
  name: string;
  count: number;
  last: unknown;
}

/** The series of each chart of a panel, as the page wrote them after drawing. */
async function drawnSeries(page: Page, plot: string): Promise<SeriesSummary[][]> {
  const attrs = await page.$$eval(`[data-plot="${plot}"] .chart`, (boxes) =>
    boxes.map((b) => b.getAttribute('data-series') ?? '[]'),
  );
  return attrs.map((a) => JSON.parse(a) as SeriesSummary[]);
}

describe('the dashboard of a constrained multi-objective study, in headless Chromium', () => {
  let platform: Platform;
  let browser: HeadlessChromium | undefined;

  beforeAll(async () => {
    // Built as `npm run platform` builds it: when dashboard/dist is missing or older than its sources.
    if (dashboardBuildState(join(ROOT, 'dashboard')) !== 'fresh') await viteBuild(ROOT);
    platform = await startPlatform({ workers: 2, env: { TUNEFORGE_ALLOW_INLINE_COMMANDS: '1' } });
    browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
    // Only the platform on localhost: the dashboard must need nothing from elsewhere.
    await browser.context.route('**/*', (route) =>
      route.request().url().startsWith(platform.url) ? route.continue() : route.abort(),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('runs Binh–Korn with 2 workers and shows its front, infeasible trials marked, and the hypervolume history', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'binh-korn',
        directions: ['minimize', 'minimize'],
        objective: { inlineCommand: ['node', '-e', BINH_KORN] },
        searchSpace: [
          { name: 'x', type: 'float', low: 0, high: 5 },
          { name: 'y', type: 'float', low: 0, high: 3 },
        ],
        // Seeded random points: the same trials on every run, four of them outside the first constraint.
        sampler: { type: 'random' },
        seed: 2,
        budget: { nTrials: N_TRIALS, maxParallel: 2 },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;

    const page = await browser!.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    // Opened while the study runs: the page follows it to the end over its event stream.
    await page.goto(`${platform.url}/dashboard/studies/${id}`);

    const done = await waitForStudy(platform, id, 60_000);
    expect([done.state, done.counts.COMPLETE]).toEqual(['COMPLETED', N_TRIALS]);
    const trials = (await platform.request(`/studies/${id}/trials?limit=1000`)).body.items as TrialBody[];
    // Both workers ran trials.
    const workers = new Set(trials.map((t: TrialBody & { worker?: string }) => t.worker));
    expect(workers.size).toBe(2);
    const infeasible = trials.filter((t) => t.systemAttrs.constraints!.some((c) => c > 0));
    expect(infeasible.length).toBeGreaterThan(0);
    const { body: pareto } = await platform.request(`/studies/${id}/pareto`);
    expect(pareto.infeasible).toBe(infeasible.length);
    const front = (pareto.trials as TrialBody[]).map((t) => t.number);
    expect(front.length).toBeGreaterThan(0);
    expect(front.some((n) => infeasible.some((t) => t.number === n))).toBe(false);

    await page.waitForSelector(`[data-trials="${N_TRIALS}"] .summary .badge.state-COMPLETED`, {
      timeout: 20_000,
    });
    await page.waitForSelector('[data-plot="hypervolume-history"] .chart[data-series]');

    // The Pareto front: one chart (two objectives) whose series are the dimmed dominated feasible
    // trials, the infeasible ones under their own legend entry, and the feasible front.
    const paretoCharts = await drawnSeries(page, 'pareto-front');
    expect(paretoCharts).toHaveLength(1);
    expect(paretoCharts[0].map(({ name, count }) => ({ name, count }))).toEqual([
      { name: 'Dominated', count: N_TRIALS - infeasible.length - front.length },
      { name: 'Infeasible (constraint > 0)', count: infeasible.length },
      { name: 'Pareto front', count: front.length },
    ]);

    // The hypervolume history: one point per trial, ending at the hypervolume the API answers.
    expect(pareto.hypervolumeHistory).toHaveLength(N_TRIALS);
    expect(pareto.hypervolumeHistory.at(-1).hypervolume).toBeCloseTo(pareto.hypervolume, 9);
    const [history] = await drawnSeries(page, 'hypervolume-history');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ name: 'Hypervolume', count: N_TRIALS });
    const [lastTrial, lastVolume] = history[0].last as [number, number];
    expect(lastTrial).toBe(N_TRIALS - 1);
    expect(lastVolume).toBeCloseTo(pareto.hypervolume, 9);
    expect(pareto.hypervolume).toBeGreaterThan(0);

    // The best section lists the feasible front, as GET /studies/:id/pareto.
    const cards = await page.$$eval('[data-testid="best-trial"] .best-card', (els) =>
      els.map((e) => Number(e.getAttribute('data-number'))),
    );
    expect(cards).toEqual(front.slice(0, 12));
    expect(await page.textContent('[data-testid="best-trial"] h2')).toBe(
      `Pareto front (${front.length} feasible trials)`,
    );

    // The trial table says which trials are infeasible, and by how much.
    const feasibility = await page.$$eval('[data-testid="trial-table"] tbody tr[data-number]', (rows) =>
      rows.map((r) => [Number(r.getAttribute('data-number')), r.getAttribute('data-feasible')]),
    );
    expect(feasibility).toEqual(
      trials.map((t) => [t.number, String(!infeasible.some((i) => i.number === t.number))]),
    );
    expect(await page.textContent('[data-testid="trial-table"] th[data-sort="feasible"]')).toBe('Feasible');

    // Kept after the test (one fixed path, overwritten by each run) so that a person can look at it.
    const dir = join(tmpdir(), 'tuneforge-dashboard-pareto-e2e');
    mkdirSync(dir, { recursive: true });
    const shot = join(dir, 'study.png');
    await page.screenshot({ path: shot, fullPage: true });
    await page.locator('[data-plot="pareto-front"]').screenshot({ path: join(dir, 'pareto-front.png') });
    await page
      .locator('[data-plot="hypervolume-history"]')
      .screenshot({ path: join(dir, 'hypervolume-history.png') });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
  });
});
