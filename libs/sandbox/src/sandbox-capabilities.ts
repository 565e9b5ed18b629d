/**
 * What this machine can enforce, detected once per process: how to cap a command's memory, and whether
 * its network can be cut. The runners ask here instead of assuming, so that a missing tool gives a clear
 * error at the first trial (or at worker start through `probeSandbox`) rather than a silent no-op.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { SandboxUnavailableError } from './errors';

/**
 * How a memory limit is applied to a command: `prlimit --as` (util-linux) when present, else the shell's
 * `ulimit -v`. Both cap the address space (RLIMIT_AS), inherited by every process the command starts.
 */
export type MemoryLimiter = 'prlimit' | 'ulimit';

export interface SandboxCapabilities {
  /** null when neither prlimit nor /bin/sh is usable: memory limits are then refused. */
  memoryLimiter: MemoryLimiter | null;
  /** Whether `network: 'none'` can be honoured, and why not. */
  network: { available: true } | { available: false; reason: string };
}

/** The absolute path of `program` on `searchPath`, or null. A name with a slash is taken as a path. */
export function findExecutable(program: string, searchPath: string | undefined, cwd: string): string | null {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (program.includes('/')) {
    const file = isAbsolute(program) ? program : join(cwd, program);
    return executable(file) ? file : null;
  }
  for (const dir of (searchPath ?? '').split(delimiter)) {
    if (dir && isAbsolute(dir) && executable(join(dir, program))) return join(dir, program);
  }
  return null;
}

function succeeds(file: string, args: string[]): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 5000 }, (error, _stdout, stderr) => {
      resolve({ ok: error === null, detail: (stderr || (error?.message ?? '')).trim() });
    });
  });
}

async function detectMemoryLimiter(): Promise<MemoryLimiter | null> {
  const prlimit = findExecutable('prlimit', process.env.PATH, process.cwd());
  // Lowering a limit is always allowed; the probe only checks that the tool runs here.
  if (prlimit && (await succeeds(prlimit, ['--as=4294967296', '--', 'true'])).ok) return 'prlimit';
  if ((await succeeds('/bin/sh', ['-c', 'ulimit -v 4194304'])).ok) return 'ulimit';
  return null;
}

async function detectNetworkIsolation(): Promise<SandboxCapabilities['network']> {
  if (process.platform !== 'linux')
    return { available: false, reason: `needs Linux namespaces, this is ${process.platform}` };
  if (process.getuid?.() !== 0) {
    return {
      available: false,
      reason: 'needs root to create a network namespace (unshare --net); the worker runs unprivileged',
    };
  }
  const unshare = findExecutable('unshare', process.env.PATH, process.cwd());
  if (!unshare) return { available: false, reason: 'unshare(1) from util-linux is not installed' };
  const probe = await succeeds(unshare, ['--net', '--', 'true']);
  if (!probe.ok) {
    return {
      available: false,
      reason: `unshare --net failed here (a container without CAP_SYS_ADMIN?): ${probe.detail || 'no detail'}`,
    };
  }
  return { available: true };
}

let cached: Promise<SandboxCapabilities> | null = null;

/** Detects the machine's capabilities once per process (later calls share the first answer). */
export function probeSandbox(): Promise<SandboxCapabilities> {
  cached ??= (async () => ({
    memoryLimiter: await detectMemoryLimiter(),
    network: await detectNetworkIsolation(),
  }))();
  return cached;
}

/** The argv prefix that cuts the network, or a clear error saying why it cannot be had here. */
export async function networkIsolationPrefix(): Promise<string[]> {
  const { network } = await probeSandbox();
  if (!network.available) {
    throw new SandboxUnavailableError(
      `network isolation was requested but is not available: ${network.reason}`,
    );
  }
  return [findExecutable('unshare', process.env.PATH, process.cwd())!, '--net', '--'];
}

/** The argv prefix that caps the address space at `bytes` with `limiter`. */
export function memoryLimitPrefix(limiter: MemoryLimiter, bytes: number): string[] {
  if (limiter === 'prlimit')
    return [findExecutable('prlimit', process.env.PATH, process.cwd()) ?? 'prlimit', `--as=${bytes}`, '--'];
  // `ulimit -v` counts KiB. The argv after the script stays data: "$@" is never re-parsed by the shell.
  return ['/bin/sh', '-c', 'ulimit -v "$0" && exec "$@"', String(Math.max(1, Math.floor(bytes / 1024)))];
}
