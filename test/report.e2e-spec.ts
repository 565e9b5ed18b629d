import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createStudy, floatDistribution } from '@tuneforge/core';
import type { Page } from 'playwright-core';
import { writeStudyReport } from '../src/cli/report';
import { launchChromium } from './support/chromium';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'tuneforge.js');
const DEMO_OBJECTIVE = join(ROOT, 'examples', 'digits', 'digits-objective.ts');
const PLOTS = [
  'optimization-history',
  'importances',
  'intermediate-values',
  'slice',
  'contour',
  'parallel-coordinates',
  'empirical-distribution',
  'timeline',
];

function tuneforge(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: process.env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tuneforge report', () => {
  let dir: string;
  let storage: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tuneforge-report-e2e-'));
    storage = `sqlite:${join(dir, 'demo.db')}`;
    // The demo's study (digits MLP, median pruner, seed 7), shortened, in a SQLite file: learning curves,
    // pruned and complete trials, a categorical and log-scaled parameters.
    const run = tuneforge([
      'optimize',
      DEMO_OBJECTIVE,
      '--direction',
      'maximize',
      '--n-trials',
      '24',
      '--pruner',
      'median',
      '--seed',
      '7',
      '--study-name',
      'digits-demo',
      '--storage',
      storage,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a missing study or a missing --storage with one line', () => {
    const missing = tuneforge(['report', 'nope', '--storage', storage, '--out', join(dir, 'x.html')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/nope/);
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
    const usage = tuneforge(['report', 'digits-demo']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim()).toBe("tuneforge: required option '--storage <url>' not specified");
  });

  it('writes a self-contained HTML file that renders every plot in Chromium with no network', async () => {
    const out = join(dir, 'report.html');
    const written = tuneforge(['report', 'digits-demo', '--storage', storage, '--out', out]);
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(
      /^Wrote the report of study 'digits-demo' \(24 trials, [\d.]+ MB\) to .*report\.html\n$/,
    );
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<(script|link)[^>]*\s(src|href)=/i);
    const { plots } = embeddedData(html);

    await inChromium(out, async (page) => {
      expect(await page.title()).toBe('Tuneforge report — digits-demo');
      // 1 history + 1 importances + 1 learning curves + 5 slices + 6 contour pairs + parallel + EDF + timeline.
      expect(Number(await page.getAttribute('html', 'data-charts'))).toBe(17);
      const drawn = await drawnPlots(page);
      expect(drawn.map((d) => d.plot)).toEqual(PLOTS);
      for (const d of drawn) {
        expect({ plot: d.plot, empty: d.empty, drawn: d.svgs > 0 && d.shapes > 10 }).toEqual({
          plot: d.plot,
          empty: 0,
          drawn: true,
        });
      }
      // The contour draws its interpolated grid: 30 x 30 cells on the numeric pairs.
      expect(drawn.find((d) => d.plot === 'contour')!.shapes).toBeGreaterThan(900);

      // Each chart says what it shows: its legends, axis names and values come from the embedded data.
      const texts = (plot: string) => drawn.find((d) => d.plot === plot)!.texts;
      const objective = plots.optimizationHistory.series[0].objective.name;
      expect(texts('optimization-history')).toEqual(
        expect.arrayContaining(['Objective value', 'Best value', 'Trial', objective]),
      );
      const importances = plots.importances as Array<{ param: string; importance: number }>;
      expect(importances.length).toBe(5);
      expect(texts('importances')).toEqual(
        expect.arrayContaining([
          ...importances.map((r) => r.param),
          ...importances.map((r) => `${(r.importance * 100).toFixed(1)}%`),
        ]),
      );
      expect(texts('intermediate-values')).toEqual(
        expect.arrayContaining(['Pruned here', 'Step', 'Intermediate value']),
      );
      const params = (plots.slice.params as Array<{ axis: { name: string } }>).map((p) => p.axis.name);
      expect(texts('slice')).toEqual(expect.arrayContaining(params));
      expect(texts('parallel-coordinates')).toEqual(expect.arrayContaining([objective, ...params]));
      expect(texts('empirical-distribution')).toEqual(
        expect.arrayContaining(['Cumulative probability', objective]),
      );
      expect(texts('timeline')).toEqual(expect.arrayContaining(['COMPLETE', 'PRUNED']));

      // The trial table sorts by value (descending on the second click), best trial first.
      await page.click('#trials th:nth-child(3)');
      await page.click('#trials th:nth-child(3)');
      const firstValues = await page.$$eval('#trials tbody tr', (rows) =>
        rows.slice(0, 3).map((r) => Number(r.children[2].textContent)),
      );
      expect(firstValues).toEqual([...firstValues].sort((a, b) => b - a));
      await page.selectOption('#state-filter', 'PRUNED');
      const shown = await page.$$eval('#trials tbody tr', (rows) =>
        rows
          // The filter hides rows with an inline style (the test's tsconfig has no DOM types for .style).
          .filter((r) => !/display:\s*none/.test(r.getAttribute('style') ?? ''))
          .map((r) => r.getAttribute('data-state')),
      );
      expect(shown.length).toBeGreaterThan(0);
      expect(new Set(shown)).toEqual(new Set(['PRUNED']));
      expect(await page.textContent('#table-count')).toBe(`${shown.length} of 24 trials`);
      await page.selectOption('#state-filter', '');

      // Kept after the test (one fixed path, overwritten by each run) so that a person can look at it.
      const screenshot = join(tmpdir(), 'tuneforge-report-e2e', 'report.png');
      mkdirSync(dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(statSync(screenshot).size).toBeGreaterThan(50_000);
    });
  });

  it('draws the Pareto front of a study with two objectives', async () => {
    const study = await createStudy({ studyName: 'two-objectives', directions: ['minimize', 'maximize'] });
    for (let i = 0; i < 8; i++) {
      const x = i / 7;
      // f1 = x, f2 = x²: a trade-off along x, plus two dominated trials.
      await study.addTrial({
        values: [x, x * x - (i % 4 === 1 ? 0.5 : 0)],
        params: { x },
        distributions: { x: floatDistribution(0, 1) },
        datetimeStart: 1000 * i,
        datetimeComplete: 1000 * i + 500,
      });
    }
    const out = join(dir, 'pareto.html');
    await writeStudyReport(study, out, { now: 10_000 });
    const { plots } = embeddedData(readFileSync(out, 'utf8'));
    const front = (plots.paretoFront.points as Array<{ dominated: boolean }>).filter((p) => !p.dominated);
    expect(front.length).toBe(6);

    await inChromium(out, async (page) => {
      const pareto = (await drawnPlots(page)).find((d) => d.plot === 'pareto-front')!;
      expect(pareto).toMatchObject({ svgs: 1, empty: 0 });
      expect(pareto.texts).toEqual(expect.arrayContaining(['Pareto front', 'Dominated']));
      // Its points: one symbol per trial (the legend's two markers aside).
      expect(pareto.shapes).toBeGreaterThanOrEqual(8);
    });
  });

  it('marks the infeasible trials of a constrained study and draws its hypervolume history', async () => {
    const study = await createStudy({ studyName: 'constrained', directions: ['minimize', 'minimize'] });
    // f1 = x, f2 = 1 - x on a line, the even trials 0.3 above it (2 and 8 dominated by their odd
    // neighbour); trials 3, 6 and 9 break a constraint (stored as the library's constraintsFunc stores it).
    for (let i = 0; i < 10; i++) {
      const x = i / 9;
      await study.addTrial({
        values: [x, 1 - x + (i % 2 === 0 ? 0.3 : 0)],
        params: { x },
        distributions: { x: floatDistribution(0, 1) },
        systemAttrs: { constraints: [i % 3 === 0 && i > 0 ? 0.5 : -0.5] },
        datetimeStart: 1000 * i,
        datetimeComplete: 1000 * i + 500,
      });
    }
    const out = join(dir, 'constrained.html');
    await writeStudyReport(study, out, { now: 20_000 });
    const html = readFileSync(out, 'utf8');
    const { plots } = embeddedData(html);
    type Point = { number: number; feasible: boolean; dominated: boolean };
    const points = plots.paretoFront.points as Point[];
    const infeasible = points.filter((p) => !p.feasible).map((p) => p.number);
    const front = points.filter((p) => !p.dominated).map((p) => p.number);
    expect(infeasible).toEqual([3, 6, 9]);
    expect(front).toEqual([0, 1, 4, 5, 7]);
    // The best table is the feasible front.
    expect(html).toContain('(5 feasible trials)');
    const history = plots.hypervolumeHistory;
    expect(history.points).toHaveLength(10);

    await inChromium(out, async (page) => {
      const drawn = await drawnPlots(page);
      expect(drawn.map((d) => d.plot)).toEqual([...PLOTS, 'pareto-front', 'hypervolume-history']);
      const pareto = drawn.find((d) => d.plot === 'pareto-front')!;
      expect(pareto.texts).toEqual(
        expect.arrayContaining(['Pareto front', 'Dominated', 'Infeasible (constraint > 0)']),
      );
      expect(pareto.series).toEqual([
        [
          { name: 'Dominated', count: 2, last: expect.any(Array) },
          { name: 'Infeasible (constraint > 0)', count: 3, last: expect.any(Array) },
          { name: 'Pareto front', count: 5, last: expect.any(Array) },
        ],
      ]);
      const hv = drawn.find((d) => d.plot === 'hypervolume-history')!;
      expect(hv.texts).toEqual(expect.arrayContaining(['Hypervolume', 'Trial']));
      expect(hv.texts.join(' ')).toMatch(/Reference point \([\d.]+, [\d.]+\), the default/);
      expect(hv.series).toEqual([
        [{ name: 'Hypervolume', count: 10, last: [9, history.points[9].hypervolume] }],
      ]);
      // Kept after the test, as the first test's, for a person to look at.
      const shots = join(tmpdir(), 'tuneforge-report-e2e');
      mkdirSync(shots, { recursive: true });
      for (const id of ['pareto-front', 'hypervolume-history'])
        await page.locator(`#panel-${id}`).screenshot({ path: join(shots, `constrained-${id}.png`) });
    });
  });

  it('draws three objectives across parallel axes and as their three pairs, infeasible trials apart', async () => {
    const study = await createStudy({
      studyName: 'three-objectives',
      directions: ['minimize', 'minimize', 'minimize'],
    });
    // Points on the plane f1 + f2 + f3 = 1 (all non-dominated) and one behind it; trial 2 is infeasible.
    const rows = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0.4, 0.3, 0.3],
      [0.6, 0.6, 0.6],
    ];
    for (const [i, values] of rows.entries()) {
      await study.addTrial({
        values,
        params: { i },
        distributions: { i: floatDistribution(0, 10) },
        systemAttrs: { constraints: [i === 2 ? 1 : -1] },
        datetimeStart: 1000 * i,
        datetimeComplete: 1000 * i + 500,
      });
    }
    const out = join(dir, 'three.html');
    await writeStudyReport(study, out, { now: 10_000 });
    await inChromium(out, async (page) => {
      const pareto = (await drawnPlots(page)).find((d) => d.plot === 'pareto-front')!;
      const counts = pareto.series.map((chart: Array<{ name: string; count: number }>) =>
        chart.map((s) => [s.name, s.count]),
      );
      // All three objectives on parallel axes, then the pairs (0, 1), (0, 2) and (1, 2); dominance is
      // judged on all three, so the split is the same in each.
      const split = [
        ['Dominated', 1],
        ['Infeasible (constraint > 0)', 1],
        ['Pareto front', 3],
      ];
      expect(counts).toEqual([split, split, split, split]);
      expect(pareto.texts).toEqual(expect.arrayContaining(['Objective 0', 'Objective 1', 'Objective 2']));
      const hv = (await drawnPlots(page)).find((d) => d.plot === 'hypervolume-history')!;
      expect(hv.series[0][0]).toMatchObject({ name: 'Hypervolume', count: 5 });
      const shot = join(tmpdir(), 'tuneforge-report-e2e', 'three-objectives-pareto-front.png');
      mkdirSync(dirname(shot), { recursive: true });
      await page.locator('#panel-pareto-front').screenshot({ path: shot });
    });
  });
});

/** The JSON block the report's script draws from. */
function embeddedData(html: string): { plots: Record<string, any> } {
  const block = /<script type="application\/json" id="tuneforge-report-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(block![1]);
}

/** What each `[data-plot]` panel of the page holds once drawn: SVG charts, their shapes and texts. */
function drawnPlots(page: Page) {
  return page.$$eval('[data-plot]', (boxes) =>
    boxes.map((box) => ({
      plot: box.getAttribute('data-plot'),
      svgs: box.querySelectorAll('svg').length,
      shapes: box.querySelectorAll('svg path, svg rect').length,
      texts: [...box.querySelectorAll('svg text')].map((t) => t.textContent ?? ''),
      empty: box.querySelectorAll('.empty').length,
      // What ECharts holds of each chart's series once drawn (dashboard/src/charts/series-summary.ts).
      series: [...box.querySelectorAll('.chart')].map((c) =>
        JSON.parse(c.getAttribute('data-series') ?? '[]'),
      ),
    })),
  );
}

/**
 * Opens `file` in headless Chromium with every request but the file itself refused (and remembered),
 * waits until the report's script has drawn, runs `check`, then asserts that the page made no request
 * and logged no error.
 */
async function inChromium(file: string, check: (page: Page) => Promise<void>): Promise<void> {
  const browser = await launchChromium({ viewport: { width: 1280, height: 900 }, offline: true });
  try {
    const { context } = browser;
    // Anything but the file itself is refused, and remembered: a self-contained report asks for nothing.
    const requested: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      requested.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('html[data-charts]', { timeout: 30_000 });
    await check(page);
    expect(errors).toEqual([]);
    expect(requested).toEqual([]);
  } finally {
    await browser.close();
  }
}
