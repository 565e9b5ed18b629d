import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardBuildState, ensureDashboardBuilt, viteBuild } from './dashboard-build';
import { readyBanner } from './ready-banner';

describe('the launcher builds the dashboard when it is missing', () => {
  let dashboard: string;
  /** A stand-in for `vite build dashboard`: writes dist/index.html, and counts its runs. */
  let builds: number;
  const build = async () => {
    builds++;
    mkdirSync(join(dashboard, 'dist'), { recursive: true });
    writeFileSync(join(dashboard, 'dist', 'index.html'), '<!doctype html>');
  };
  /** Sets a file's modification time to `seconds` after the epoch. */
  const touch = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

  beforeEach(() => {
    dashboard = mkdtempSync(join(tmpdir(), 'tuneforge-dashboard-build-'));
    mkdirSync(join(dashboard, 'src'));
    writeFileSync(join(dashboard, 'src', 'main.ts'), 'export {};');
    writeFileSync(join(dashboard, 'index.html'), '<!doctype html>');
    builds = 0;
  });

  afterEach(() => rmSync(dashboard, { recursive: true, force: true }));

  it('builds a fresh clone (no dist) once, and says so before', async () => {
    const announced: string[] = [];
    expect(dashboardBuildState(dashboard)).toBe('missing');
    const outcome = await ensureDashboardBuilt(dashboard, build, (state) => announced.push(state));
    expect(outcome).toEqual({ state: 'missing', built: true });
    expect(announced).toEqual(['missing']);
    expect(builds).toBe(1);
    expect(dashboardBuildState(dashboard)).toBe('fresh');

    expect(await ensureDashboardBuilt(dashboard, build)).toEqual({ state: 'fresh' });
    expect(builds).toBe(1);
  });

  it('rebuilds when a source is newer than the build', async () => {
    await build();
    touch(join(dashboard, 'dist', 'index.html'), 1_000_000);
    for (const dir of [dashboard, join(dashboard, 'src'), join(dashboard, 'dist')]) touch(dir, 1_000_000);
    touch(join(dashboard, 'index.html'), 1_000_000);
    touch(join(dashboard, 'src', 'main.ts'), 2_000_000);
    expect(dashboardBuildState(dashboard)).toBe('stale');
    expect(await ensureDashboardBuilt(dashboard, build)).toEqual({ state: 'stale', built: true });
    expect(builds).toBe(2);
  });

  it('reports a failed build instead of throwing, so the platform starts without its dashboard', async () => {
    const failing = () => Promise.reject(new Error('vite build exited with code 1: boom'));
    expect(await ensureDashboardBuilt(dashboard, failing)).toEqual({
      state: 'missing',
      built: false,
      error: 'vite build exited with code 1: boom',
    });
    expect(await ensureDashboardBuilt(dashboard, () => Promise.resolve())).toEqual({
      state: 'missing',
      built: false,
      error: 'the build wrote no dist/index.html',
    });
  });

  it('says how to get Vite when it is not installed', async () => {
    await expect(viteBuild(dashboard)).rejects.toThrow(/vite\.js is missing: run npm ci/);
  });
});

describe('the ready banner', () => {
  const base = 'http://127.0.0.1:3000';

  it('lists the dashboard beside the API, OpenAPI and Bull Board', () => {
    const lines = readyBanner({ base, seconds: 6.14, token: false, dashboardBuilt: true });
    expect(lines).toEqual([
      'ready in 6.1 s',
      '  API         http://127.0.0.1:3000',
      '  Dashboard   http://127.0.0.1:3000/dashboard',
      '  OpenAPI     http://127.0.0.1:3000/docs',
      '  Bull Board  http://127.0.0.1:3000/admin/queues',
      'Ctrl-C stops everything.',
    ]);
  });

  it('says when the dashboard could not be built, and how Bull Board takes the token', () => {
    const lines = readyBanner({ base, seconds: 1, token: true, dashboardBuilt: false });
    expect(lines).toContain(
      '  Dashboard   http://127.0.0.1:3000/dashboard  (not built: run npm run build:dashboard)',
    );
    expect(lines).toContain(
      '  Bull Board  http://127.0.0.1:3000/admin/queues  (Basic auth: any user, the API token as password)',
    );
  });
});
