import { spawnSync } from 'node:child_process';
import { findExecutable, memoryLimitPrefix, probeSandbox } from './sandbox-capabilities';

/** Runs `python3 -c script` under the memory-limit prefix of `limiter`. */
function underLimit(limiter: 'prlimit' | 'ulimit', script: string) {
  const prefix = memoryLimitPrefix(limiter, 200 * 1024 * 1024);
  return spawnSync(prefix[0], [...prefix.slice(1), 'python3', '-c', script], { encoding: 'utf8' });
}

describe('sandbox capabilities', () => {
  it('finds programs on a PATH, and paths with a slash as they are', () => {
    expect(findExecutable('sh', '/nonexistent:/usr/bin:/bin', '/')).toMatch(/\/sh$/);
    expect(findExecutable('no-such-program-tuneforge', '/usr/bin:/bin', '/')).toBeNull();
    expect(findExecutable('./sh', undefined, '/bin')).toBe('/bin/sh');
    expect(findExecutable('sh', 'relative/dir', '/')).toBeNull();
  });

  it('detects a memory limiter on this machine', async () => {
    expect(['prlimit', 'ulimit']).toContain((await probeSandbox()).memoryLimiter);
  });

  it('caps the address space with the detected limiter and with the ulimit fallback', async () => {
    const detected = (await probeSandbox()).memoryLimiter!;
    for (const limiter of new Set([detected, 'ulimit' as const])) {
      const hog = underLimit(limiter, 'bytearray(1024 * 1024 * 1024)');
      expect(hog.status).not.toBe(0);
      expect(hog.stderr).toMatch(/MemoryError/);
      expect(underLimit(limiter, 'print(len(bytearray(1024)))').stdout.trim()).toBe('1024');
    }
  });

  it('keeps the argv after the ulimit wrapper as data', () => {
    const prefix = memoryLimitPrefix('ulimit', 512 * 1024 * 1024);
    const out = spawnSync(prefix[0], [...prefix.slice(1), 'printf', '%s|', '$(echo no)', 'a b', ';'], {
      encoding: 'utf8',
    });
    expect(out.stdout).toBe('$(echo no)|a b|;|');
  });
});
