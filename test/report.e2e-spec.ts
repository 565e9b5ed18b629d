import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'tuneforge.js');
const DEMO_OBJECTIVE = join(ROOT, 'examples', 'digits', 'digits-objective.ts');
const CHROMIUM = '/usr/bin/chromium';
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

    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
    }
    const profile = mkdtempSync(join(tmpdir(), 'tuneforge-chromium-'));
    let context: BrowserContext | undefined;
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        offline: true,
        viewport: { width: 1280, height: 900 },
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
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
      await page.goto(pathToFileURL(out).href);
      await page.waitForSelector('html[data-charts]', { timeout: 30_000 });

      expect(errors).toEqual([]);
      expect(requested).toEqual([]);
      expect(await page.title()).toBe('Tuneforge report — digits-demo');
      // 1 history + 1 importances + 1 learning curves + 5 slices + 6 contour pairs + parallel + EDF + timeline.
      expect(Number(await page.getAttribute('html', 'data-charts'))).toBe(17);
      const drawn = await page.$$eval('[data-plot]', (boxes) =>
        boxes.map((box) => ({
          plot: box.getAttribute('data-plot'),
          svgs: box.querySelectorAll('svg').length,
          shapes: box.querySelectorAll('svg path, svg rect').length,
          empty: box.querySelectorAll('.empty').length,
        })),
      );
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
      await page.selectOption('#state-filter', '');

      // Kept after the test (one fixed path, overwritten by each run) so that a person can look at it.
      const screenshot = join(tmpdir(), 'tuneforge-report-e2e', 'report.png');
      mkdirSync(dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(statSync(screenshot).size).toBeGreaterThan(50_000);
    } finally {
      await context?.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
