import express, { type RequestHandler } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errorBody } from '../common/error-body';

/** Where the route mounts the built front end (Vite's `base`). */
export const DASHBOARD_ROUTE = '/dashboard';

/**
 * `dashboard/dist` of the repository: from the sources this file is src/api/dashboard/, from the build
 * dist/src/api/dashboard/. Null while it has not been built.
 */
export function findDashboardDist(): string | null {
  const candidates = [
    resolve(__dirname, '../../../dashboard/dist'),
    resolve(__dirname, '../../../../dashboard/dist'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * Serves the dashboard's files. Vite names its assets by content hash, so they are cached for good;
 * every other path is a page of the single-page app (`/dashboard/studies/3`) and gets index.html,
 * never cached, so that a new build shows at the next load. A dashboard that is not built answers 503
 * with the command that builds it, in the API's error shape.
 */
export function dashboardAssets(locate: () => string | null = findDashboardDist): RequestHandler {
  let dir: string | null = null;
  let serve: RequestHandler | null = null;
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Found once; looked for again until then, so that a build made while the API runs is picked up.
    dir ??= locate();
    if (dir === null) {
      res
        .status(503)
        .json(
          errorBody(
            503,
            'The dashboard is not built: run `npm run build:dashboard` (it writes dashboard/dist), or start the platform with `npm run platform`, which builds it.',
          ),
        );
      return;
    }
    const root = dir;
    serve ??= express.static(root, {
      index: false,
      setHeaders: (response, path) =>
        response.setHeader(
          'Cache-Control',
          path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ),
    });
    serve(req, res, () => {
      if (req.path.startsWith('/assets/')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(join(root, 'index.html'));
    });
  };
}
