/**
 * The dashboard's front end is built by Vite into `dashboard/dist`, which a fresh clone lacks: it is not
 * committed, and `npm ci` does not build it (a `prepare` script would also run in the image's
 * `npm ci --omit=dev`, where Vite is missing). So the launcher builds it before the roles start, when it
 * is missing or older than its sources, and the api serves a working `/dashboard` from the first run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** `fresh`: dist is newer than every source; `missing`: never built; `stale`: a source changed since. */
export type DashboardBuildState = 'fresh' | 'missing' | 'stale';

/** Newest modification time under `path`, skipping the build output and installed packages. */
function newestSource(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(path)
      .filter((name) => name !== 'dist' && name !== 'node_modules')
      .map((name) => newestSource(join(path, name))),
  );
}

/** Whether `<dashboardDir>/dist` needs a build. */
export function dashboardBuildState(dashboardDir: string): DashboardBuildState {
  const index = join(dashboardDir, 'dist', 'index.html');
  if (!existsSync(index)) return 'missing';
  return statSync(index).mtimeMs >= newestSource(dashboardDir) ? 'fresh' : 'stale';
}

/** What {@link ensureDashboardBuilt} did. */
export type DashboardBuildOutcome =
  | { state: 'fresh' }
  | { state: 'missing' | 'stale'; built: true }
  | { state: 'missing' | 'stale'; built: false; error: string };

/**
 * Runs `build` when the dashboard is missing or stale; a failed build is reported, not thrown: the
 * platform runs without its dashboard (which then answers 503 with the command to run).
 * @param announce told before a build starts (it takes a while)
 */
export async function ensureDashboardBuilt(
  dashboardDir: string,
  build: () => Promise<void>,
  announce: (state: 'missing' | 'stale') => void = () => undefined,
): Promise<DashboardBuildOutcome> {
  const state = dashboardBuildState(dashboardDir);
  if (state === 'fresh') return { state };
  announce(state);
  try {
    await build();
  } catch (e) {
    return { state, built: false, error: (e as Error).message };
  }
  if (!existsSync(join(dashboardDir, 'dist', 'index.html'))) {
    return { state, built: false, error: 'the build wrote no dist/index.html' };
  }
  return { state, built: true };
}

/**
 * `vite build dashboard` from the repository root (what `npm run build:dashboard` runs), through this
 * Node so that no npm or shell is needed. Rejects with the build's last output lines when it fails.
 */
export function viteBuild(root: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    if (!existsSync(vite)) {
      reject(new Error(`${vite} is missing: run npm ci (Vite is a dev dependency)`));
      return;
    }
    const child = spawn(process.execPath, [vite, 'build', 'dashboard'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const keep = (chunk: Buffer) => output.push(chunk.toString());
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const tail = output.join('').trim().split('\n').slice(-5).join(' | ');
      reject(
        new Error(`vite build ${signal ? `was killed by ${signal}` : `exited with code ${code}`}: ${tail}`),
      );
    });
  });
}
