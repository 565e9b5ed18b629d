import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardAssets } from './dashboard-assets';

describe('dashboardAssets', () => {
  let dir: string;
  let built: string | null;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tuneforge-dashboard-assets-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    const app = express();
    app.use(
      '/dashboard',
      dashboardAssets(() => built),
    );
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with the build command until the dashboard is built', async () => {
    built = null;
    const res = await fetch(`${base}/dashboard/`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringMatching(/run `npm run build:dashboard`/),
    });
  });

  it('serves index.html for every page of the app, never cached', async () => {
    built = dir;
    for (const path of ['/dashboard', '/dashboard/', '/dashboard/studies/3']) {
      const res = await fetch(base + path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toMatch(/<title>app<\/title>/);
    }
  });

  it('caches the hashed assets for good, and a missing asset is a 404', async () => {
    built = dir;
    const asset = await fetch(`${base}/dashboard/assets/index-abc.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/dashboard/assets/gone.js`)).status).toBe(404);
    expect((await fetch(`${base}/dashboard/`, { method: 'POST' })).status).toBe(404);
  });
});
