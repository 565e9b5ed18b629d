import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { dashboardBuildState, viteBuild } from '../scripts/lib/dashboard-build';
import { launchChromium, type HeadlessChromium } from './support/chromium';
import { startPlatform, type Platform } from './support/platform-harness';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const DASHBOARD = join(ROOT, 'dashboard');

// One trial a little under half a second, with learning curves: long enough to watch the study live.
const SLOW_OBJECTIVE = [
  'python3',
  '-c',
  [
    'import json,os,sys,time',
    "p=json.loads(os.environ['TUNEFORGE_PARAMS'])",
    "v=(p['x']-1)**2+(p['y']+0.5)**2+(0.3 if p['kind']=='b' else 0)",
    'for s in range(3):',
    '  time.sleep(0.12)',
    "  print('tuneforge:report step=%d value=%r' % (s, v*(3-s)))",
    '  sys.stdout.flush()',
    "print('tuneforge:result value=%r' % v)",
  ].join('\n'),
];

async function historyPoints(page: Page): Promise<number> {
  return Number((await page.getAttribute('[data-plot="optimization-history"]', 'data-points')) ?? 0);
}

/** Waits until the history plot shows `n` points or more; the page never polls, only SSE brings them. */
async function waitForPoints(page: Page, n: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const points = await historyPoints(page);
    if (points >= n) return points;
    if (Date.now() > deadline) throw new Error(`the history plot shows ${points} points, not ${n}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The first value column of the table's rows, top to bottom (null for trials without a value). */
async function valueColumn(page: Page): Promise<Array<number | null>> {
  return page.$$eval('[data-testid="trial-table"]', ([table]) => {
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.getAttribute('data-sort'));
    const col = headers.indexOf('value:0');
    return [...table.querySelectorAll('tbody tr[data-number]')].map((tr) => {
      const text = tr.querySelectorAll('td')[col].textContent ?? '';
      return text === '' ? null : Number(text);
    });
  });
}

describe('the dashboard, in headless Chromium', () => {
  let platform: Platform;
  let browser: HeadlessChromium | undefined;
  let context: BrowserContext;

  beforeAll(async () => {
    // Built as `npm run platform` builds it: when dashboard/dist is missing or older than its sources.
    if (dashboardBuildState(DASHBOARD) !== 'fresh') await viteBuild(ROOT);
    platform = await startPlatform({ workers: 1, env: { TUNEFORGE_ALLOW_INLINE_COMMANDS: '1' } });
    browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
    context = browser.context;
    // Only the platform on localhost: the dashboard must need nothing from elsewhere.
    await context.route('**/*', (route) =>
      route.request().url().startsWith(platform.url) ? route.continue() : route.abort(),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('follows a running study live, sorts its trials, and shows every plot', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'live-quadratic',
        objective: { inlineCommand: SLOW_OBJECTIVE },
        searchSpace: [
          { name: 'x', type: 'float', low: -3, high: 3 },
          { name: 'y', type: 'float', low: 0.01, high: 10, log: true },
          { name: 'kind', type: 'categorical', choices: ['a', 'b'] },
        ],
        sampler: { type: 'random' },
        pruner: { type: 'none' },
        budget: { nTrials: 14, maxParallel: 1 },
        seed: 11,
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;

    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    // The study list links to the study page (client-side navigation).
    await page.goto(`${platform.url}/dashboard/`);
    await page.click(`tr[data-study="${id}"] a`);
    await page.waitForURL(`${platform.url}/dashboard/studies/${id}`);
    await page.waitForSelector('[data-testid="live-status"][data-status="live"]', { timeout: 15_000 });

    // Points arrive while the page stays open: the page only reloads on the study's events (SSE).
    const before = await waitForPoints(page, 2);
    await waitForPoints(page, before + 3);
    expect(await historyPoints(page)).toBeGreaterThanOrEqual(before + 3);
    expect(await page.locator('[data-plot="optimization-history"] canvas').count()).toBeGreaterThan(0);

    // Sort by value, then reverse: completed trials in order, those without a value last either way.
    await page.click('[data-testid="trial-table"] th[data-sort="value:0"] button');
    await page.waitForSelector('th[data-sort="value:0"][aria-sort="ascending"]');
    const ascending = await valueColumn(page);
    const values = ascending.filter((v): v is number => v !== null);
    expect(values.length).toBeGreaterThanOrEqual(before + 3);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(ascending.slice(values.length).every((v) => v === null)).toBe(true);
    await page.click('[data-testid="trial-table"] th[data-sort="value:0"] button');
    await page.waitForSelector('th[data-sort="value:0"][aria-sort="descending"]');
    const descending = (await valueColumn(page)).filter((v): v is number => v !== null);
    expect(descending).toEqual([...descending].sort((a, b) => b - a));

    // Wait for the whole study, then every plot of a single-objective study is drawn.
    await waitForPoints(page, 14);
    await page.waitForSelector('.study-head ~ .summary .badge.state-COMPLETED', { timeout: 15_000 });
    const plots = await page.$$eval('[data-plot]', (boxes) =>
      boxes.map((b) => ({
        plot: b.getAttribute('data-plot'),
        charts: b.querySelectorAll('canvas').length > 0,
        empty: b.querySelectorAll('.empty').length,
      })),
    );
    expect(plots.map((p) => p.plot)).toEqual([
      'optimization-history',
      'importances',
      'empirical-distribution',
      'intermediate-values',
      'slice',
      'contour',
      'parallel-coordinates',
      'timeline',
      'trials',
    ]);
    for (const p of plots.filter((p) => p.plot !== 'trials'))
      expect(p).toEqual({ ...p, charts: true, empty: 0 });
    expect(await page.textContent('[data-testid="best-trial"]')).toMatch(/Best trial/);
    expect(await page.getAttribute('a[href="/admin/queues"]', 'href')).toBe('/admin/queues');

    // Filter by state and search by parameter, on the finished study.
    await page.selectOption('[data-testid="state-filter"]', 'COMPLETE');
    await page.fill('[data-testid="param-search"]', 'kind=a x>0');
    const { body: complete } = await platform.request(`/studies/${id}/trials?state=COMPLETE&limit=1000`);
    const expected = complete.items
      .filter((t: any) => t.params.kind === 'a' && t.params.x > 0)
      .map((t: any) => t.number);
    const shown = await page.$$eval('[data-testid="trial-table"] tbody tr[data-number]', (rows) =>
      rows.map((r) => Number(r.getAttribute('data-number'))),
    );
    expect(shown.sort((x, y) => x - y)).toEqual(expected.sort((x: number, y: number) => x - y));
    expect(await page.textContent('[data-testid="trial-count"]')).toBe(`${expected.length} of 14 trials`);
    await page.fill('[data-testid="param-search"]', 'nothing-matches');
    expect(await page.locator('[data-testid="trial-table"] tbody tr').count()).toBe(0);
    await page.selectOption('[data-testid="state-filter"]', '');
    await page.fill('[data-testid="param-search"]', '');

    const shot = join(mkdtempSync(join(tmpdir(), 'tuneforge-dashboard-')), 'study.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    console.log(`dashboard screenshot: ${shot}`);
    expect(errors).toEqual([]);
  });

  it('serves the JSON the page reads: plots, importances, and a study event stream', async () => {
    const { body: plots } = await platform.request('/studies/live-quadratic/plots');
    expect(plots.trialCount).toBe(14);
    expect(plots.plots.optimizationHistory.series[0].values).toHaveLength(14);
    const { body: importances } = await platform.request('/studies/live-quadratic/importances');
    expect(importances.importances.map((r: { param: string }) => r.param).sort()).toEqual(['kind', 'x', 'y']);
    expect((await platform.request('/studies/nope/events')).status).toBe(404);
    expect((await platform.request('/studies/live-quadratic/plots?objective=1')).status).toBe(400);

    const controller = new AbortController();
    const res = await fetch(`${platform.url}/studies/live-quadratic/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/^event: ready\n/m);
    controller.abort();
  });

  it('says so when the study of a page is deleted, or never existed, and stops following it', async () => {
    const created = await platform.request('/studies', {
      body: { name: 'gone-soon', objective: { builtin: 'branin' }, budget: { nTrials: 2, maxParallel: 1 } },
    });
    expect(created.status).toBe(201);
    const page = await context.newPage();
    try {
      await page.goto(`${platform.url}/dashboard/studies/gone-soon`);
      await page.waitForSelector('[data-testid="live-status"][data-status="live"]', { timeout: 15_000 });
      expect((await platform.request('/studies/gone-soon', { method: 'DELETE' })).status).toBe(204);
      await page.waitForSelector('[data-testid="study-gone"]', { timeout: 15_000 });
      expect(await page.textContent('[data-testid="study-gone"]')).toBe(
        'Study gone-soon was deleted. All studies',
      );
      expect(await page.getAttribute('[data-testid="live-status"]', 'data-status')).toBe('gone');
      expect(await page.locator('[data-plot]').count()).toBe(0);

      await page.goto(`${platform.url}/dashboard/studies/nosuch`);
      await page.waitForSelector('[data-testid="study-gone"]', { timeout: 15_000 });
      expect(await page.textContent('[data-testid="study-gone"]')).toBe('No study nosuch. All studies');
      expect(await page.textContent('[data-testid="live-status"]')).toBe('not found');
    } finally {
      await page.close();
    }
  });

  it("tells a study's open pages that it was deleted", async () => {
    const created = await platform.request('/studies', {
      body: { name: 'to-delete', objective: { builtin: 'branin' }, budget: { nTrials: 2, maxParallel: 1 } },
    });
    expect(created.status).toBe(201);
    const controller = new AbortController();
    const res = await fetch(`${platform.url}/studies/to-delete/events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    /** Reads the stream until `what` arrives (or 10 s pass). */
    const readUntil = async (what: string) => {
      const deadline = Date.now() + 10_000;
      while (!text.includes(what) && Date.now() < deadline) {
        text += new TextDecoder().decode((await reader.read()).value);
      }
    };
    await readUntil('event: ready');
    expect((await platform.request('/studies/to-delete', { method: 'DELETE' })).status).toBe(204);
    await readUntil('"DELETED"');
    controller.abort();
    expect(text).toMatch(
      /^event: study-state\nid: \d+\ndata: {"type":"study-state","studyId":\d+,"state":"DELETED"}$/m,
    );
  });
});

describe('the dashboard of a platform whose reads need the token', () => {
  let platform: Platform;
  let browser: HeadlessChromium | undefined;

  beforeAll(async () => {
    if (dashboardBuildState(DASHBOARD) !== 'fresh') await viteBuild(ROOT);
    platform = await startPlatform({
      workers: 1,
      token: 'right-token-0123456789',
      env: { TUNEFORGE_PUBLIC_READ: '0' },
    });
    browser = await launchChromium({ viewport: { width: 1200, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('asks for the token, says when one is refused, and shows the studies and pools once it is right', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'behind-token',
        objective: { builtin: 'branin' },
        budget: { nTrials: 2, maxParallel: 1 },
      },
    });
    expect(created.status).toBe(201);
    const page = await browser!.context.newPage();
    try {
      await page.goto(`${platform.url}/dashboard/`);
      await page.waitForSelector('form.token-form');
      await page.waitForSelector('[data-testid="pools-panel"] >> text=Shown once the API token is entered.');
      expect(await page.locator('[data-testid="token-refused"]').count()).toBe(0);

      await page.fill('form.token-form input[name="token"]', 'wrong-token');
      await page.click('form.token-form button');
      await page.waitForSelector('[data-testid="token-refused"]');
      expect(await page.textContent('[data-testid="token-refused"]')).toBe(
        'The API refused that token: enter the one the platform runs with (TUNEFORGE_API_TOKEN).',
      );

      await page.fill('form.token-form input[name="token"]', 'right-token-0123456789');
      await page.click('form.token-form button');
      await page.waitForSelector('[data-testid="study-table"] >> text=behind-token');
      // At once, not at the panel's next refresh (every 5 s).
      await page.waitForSelector('[data-testid="pool-table"]', { timeout: 3_000 });

      // The CSV export, which a plain link could not fetch with the token.
      await page.click('[data-testid="study-table"] a >> text=behind-token');
      await page.waitForSelector('a[download="behind-token.csv"]');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('a[download="behind-token.csv"]'),
      ]);
      expect(download.suggestedFilename()).toBe('behind-token.csv');
      expect(readFileSync((await download.path())!, 'utf8')).toMatch(
        /^number,state,value,params_x1,params_x2,/,
      );
    } finally {
      await page.close();
    }
  });
});
